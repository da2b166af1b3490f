# Reference values for the conditional power of tests/test_monitoring.cpp. Run from the
# repository root:
#   Rscript tests/reference/conditional_power.R
# Needs R (>= 4.0) with rpact (>= 3.3) (tools/setup_r installs rpact 3.3.4).
# It rewrites tests/data/conditional_power_rpact.csv: rpact::getConditionalPower of a
# survival data set (log-rank z and events per stage) in a group-sequential design from
# getDesignGroupSequential, at the second-last look, where rpact's conditional power (the
# probability of crossing the remaining efficacy boundaries) is that of the last look alone,
# which trialsim computes (Jennison & Turnbull 2000, eq. 10.1).
#
# Conventions: trialsim's z is positive for benefit (HR < 1), so rpact gets
# directionUpper = FALSE and the log-rank statistics with the opposite sign (rpact's log-rank
# z is positive when HR > 1). The design's information rates are the stages' events over
# the planned final events, as trialsim's information fraction is. hazard_ratio NA: under
# the current trend (rpact's default thetaH1, the effect estimated from the data).

suppressPackageStartupMessages(library(rpact))

stopifnot(dir.exists(file.path("tests", "data")))

source(file.path("tests", "reference", "reference_csv.R"))  # number, write_reference_csv

# One case: events per stage up to `stage`, the events still planned, the z at each stage.
case <- function(design_type, sided, alpha, events, planned, z, hazard_ratio, allocation) {
  stage <- length(events)
  final_events <- events[stage] + planned
  rates <- c(events / final_events, 1)
  design <- getDesignGroupSequential(kMax = length(rates), alpha = alpha, sided = sided,
                                     informationRates = rates, typeOfDesign = design_type)
  data <- getDataset(overallEvents = events, overallLogRanks = -z,
                     overallAllocationRatios = rep(allocation, stage))
  results <- getStageResults(design, dataInput = data, directionUpper = FALSE)
  power <- if (is.na(hazard_ratio)) {
    getConditionalPower(results, nPlanned = planned, allocationRatioPlanned = allocation)
  } else {
    getConditionalPower(results, nPlanned = planned, thetaH1 = hazard_ratio, allocationRatioPlanned = allocation)
  }
  data.frame(design = design_type, sided = sided, alpha = alpha, looks = length(rates),
             events = events[stage], planned = planned, z = z[stage],
             previous_events = if (stage > 1) events[stage - 1] else 0,
             hazard_ratio = hazard_ratio, allocation = allocation,
             final_critical = design$criticalValues[length(rates)],
             conditional_power = power$conditionalPower[length(rates)])
}

rows <- list()
for (design_type in c("OF", "asOF", "P")) {
  for (sided in c(1, 2)) {
    alpha <- if (sided == 1) 0.025 else 0.05
    for (z in c(-1.0, 0.4, 1.8, 2.5)) {
      for (hazard_ratio in c(0.6, 0.8, 1.0, NA)) {
        rows[[length(rows) + 1]] <- case(design_type, sided, alpha, 92, 92, z, hazard_ratio, 1)
        rows[[length(rows) + 1]] <- case(design_type, sided, alpha, 100, 84, z, hazard_ratio, 1)
        rows[[length(rows) + 1]] <- case(design_type, sided, alpha, 70, 140, z, hazard_ratio, 2)
        # three looks, at the second: the first look's z does not enter rpact's answer
        rows[[length(rows) + 1]] <- case(design_type, sided, alpha, c(60, 120), 60, c(0.3, z), hazard_ratio, 1)
      }
    }
  }
}
frame <- do.call(rbind, rows)
frame[] <- lapply(frame, function(column) if (is.numeric(column)) number(column) else column)

path <- write_reference_csv("conditional_power_rpact.csv",
                            c("rpact::getConditionalPower of survival data sets at the second-last look of",
                              "getDesignGroupSequential designs (OF, asOF, P): z positive for benefit, events at the",
                              "look, planned further events, hazard_ratio NA = current trend, allocation ratio",
                              "treatment:control, rpact's final critical value and conditional power."),
                            frame, "tests/reference/conditional_power.R", "rpact")
cat("wrote", path, "with", nrow(frame), "rows\n")
