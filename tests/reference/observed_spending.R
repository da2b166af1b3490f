# Reference values for the observed-information boundaries of tests/test_monitoring.cpp.
# Run from the repository root:
#   Rscript tests/reference/observed_spending.R
# Needs R (>= 4.0) with rpact (>= 3.3) (tools/setup_r installs rpact 3.3.4).
# It rewrites tests/data/observed_spending_rpact.csv: Lan-DeMets critical values when a
# trial's looks have events d_1 < d_2 < ... and the plan expected D events at the last look.
# Look k < K spends alpha(min(d_k / D, 1)) and the last look spends all of alpha; the
# statistics are correlated as sqrt(d_j / d_k). rpact computes them in two independent steps:
# the cumulative alpha of its own spending function at the spending times
# (getDesignGroupSequential(typeOfDesign = "asOF", ...)$alphaSpent), then the critical values
# of that user-given spending at the information rates d_k / d_K (typeOfDesign = "asUser").

suppressPackageStartupMessages(library(rpact))

stopifnot(dir.exists(file.path("tests", "data")))

source(file.path("tests", "reference", "reference_csv.R"))  # number, write_reference_csv

case <- function(design_type, parameter, sided, alpha, planned, events) {
  looks <- length(events)
  times <- pmin(events / planned, 1)
  times[looks] <- 1
  spending <- if (is.na(parameter)) {
    getDesignGroupSequential(kMax = looks, alpha = alpha, sided = sided, informationRates = times,
                             typeOfDesign = design_type)
  } else {
    getDesignGroupSequential(kMax = looks, alpha = alpha, sided = sided, informationRates = times,
                             typeOfDesign = design_type, gammaA = parameter)
  }
  spent <- spending$alphaSpent
  spent[looks] <- alpha
  user <- getDesignGroupSequential(kMax = looks, alpha = alpha, sided = sided,
                                   informationRates = events / events[looks], typeOfDesign = "asUser",
                                   userAlphaSpending = spent, tolerance = 1e-10)
  pad <- function(x) c(x, rep(NA, 3 - length(x)))
  row <- data.frame(design = design_type, parameter = parameter, sided = sided, alpha = alpha,
                    planned = planned, looks = looks)
  row[paste0("events", 1:3)] <- as.list(pad(events))
  row[paste0("critical", 1:3)] <- as.list(pad(user$criticalValues))
  row
}

rows <- list()
for (sided in c(1, 2)) {
  alpha <- if (sided == 1) 0.025 else 0.05
  for (spec in list(list("asOF", NA), list("asP", NA), list("asHSD", -4), list("asKD", 3))) {
    for (events in list(c(92, 184), c(88, 170), c(101, 199), c(60, 118, 181), c(70, 130, 195))) {
      rows[[length(rows) + 1]] <- case(spec[[1]], spec[[2]], sided, alpha, 184, events)
    }
  }
}
frame <- do.call(rbind, rows)
frame[] <- lapply(frame, function(column) if (is.numeric(column)) number(column) else column)

path <- write_reference_csv("observed_spending_rpact.csv",
                            c("Lan-DeMets critical values at observed events (events1..3) when the plan expected",
                              "`planned` events at the last look: rpact asOF / asP / asHSD(gammaA) / asKD(gammaA)",
                              "spending at min(d_k / planned, 1), the last look spending all of alpha, through",
                              "typeOfDesign = asUser at information rates d_k / d_K (tolerance 1e-10)."),
                            frame, "tests/reference/observed_spending.R", "rpact")
cat("wrote", path, "with", nrow(frame), "rows\n")
