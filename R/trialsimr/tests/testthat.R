library(testthat)
library(trialsimr)

test_check("trialsimr")
