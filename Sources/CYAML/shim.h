#ifndef PIPELINT_CYAML_SHIM_H
#define PIPELINT_CYAML_SHIM_H
#include <yaml.h>
#endif
