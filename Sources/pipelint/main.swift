print("pipelint")
