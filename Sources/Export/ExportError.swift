import PipelineIR

/// Why a pipeline could not be exported, located at the part of the file that
/// has no Dask equivalent.
public typealias ExportError = LocatedError
