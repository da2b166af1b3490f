# The DanGer Shock design as rpact can express it (event-driven looks at 92 and
# 184 events, open follow-up, exponential 60% vs 42% mortality at 180 days,
# one-sided 0.025 classical O'Brien-Fleming; HR < 1 is benefit, hence
# directionUpper = FALSE), timed on one core.
# Prints simulated trials per second. Used by tools/bench.
suppressPackageStartupMessages(library(rpact))
iterations <- as.integer(Sys.getenv("RPACT_ITERATIONS", "10000"))
design <- getDesignGroupSequential(kMax = 2, alpha = 0.025, sided = 1, typeOfDesign = "OF",
                                   informationRates = c(0.5, 1))
elapsed <- system.time({
  simulation <- getSimulationSurvival(design,
    pi1 = 0.42, pi2 = 0.60, eventTime = 180,
    accrualTime = c(0, 2190, 2190 + (360 - 0.041 * 2190) / 0.164), accrualIntensity = c(0.041, 0.164),
    maxNumberOfSubjects = 360, plannedEvents = c(92, 184),
    maxNumberOfIterations = iterations, seed = 20130127, directionUpper = FALSE)
})[["elapsed"]]
cat(sprintf("rpact: %d trials in %.2f s = %.0f trials/s (power %.4f)\n",
            iterations, elapsed, iterations / elapsed, simulation$overallReject))
