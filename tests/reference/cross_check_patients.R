# Recomputes, with R's survival and mvtnorm packages, every statistic that trialsim stored
# for the replicates whose patients it exported, and compares them (tests/CMakeLists.txt
# runs it on tests/data/nph/*.yaml when Rscript is available):
#   Rscript tests/reference/cross_check_patients.R TRIALSIM DESIGN.yaml FOLDER [REPLICATES]
# It runs `trialsim run DESIGN.yaml --keep-patients REPLICATES`, reads /patients (the data
# each look analysed), /replicates/z and /replicates/compare_z, and for each replicate and
# look recomputes the design's statistic and each compared one:
#   logrank, fleming_harrington(rho,0)  survdiff(rho = rho), stratified with strata()
#   fleming_harrington(rho,gamma)       the weighted sums from their definition, with the
#                                       pooled Kaplan-Meier estimate of survfit
#   maxcombo(...)                       those components and pmvnorm (Miwa) for its p-value
#   rmst(tau)                           survfit's restricted mean and its SE per arm
#   milestone(t)                        survfit's Kaplan-Meier estimate and Greenwood SE at t
#   cox_wald                            coxph
# and, for every look a replicate performed, the Cox estimate /replicates/hr (on the log
# scale) and its standard error /replicates/log_hr_se against coxph's coefficient and
# sqrt(var) with the design's ties (and strata when the test is stratified).
# z, log HR and its SE must agree to 1e-6 and MaxCombo's p-value to 1e-6; where an arm has
# fewer than 10 patients at risk at the landmark trialsim's milestone and RMST must be NaN;
# where an arm has no events (no finite estimate) hr must be 0 or inf and log_hr_se inf
# (or both NaN when the likelihood is flat).
# The last line is "N passed, M failed"; the exit status is 1 on any failure.

suppressPackageStartupMessages({
  library(survival)
  library(mvtnorm)
  library(hdf5r)
})
# fh_sums and orthant_probability, shared with tests/reference/statistics.R.
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1])), "weighted_logrank.R"))

arguments <- commandArgs(trailingOnly = TRUE)
stopifnot(length(arguments) >= 3)
binary <- arguments[1]
design <- arguments[2]
folder <- arguments[3]
replicates <- if (length(arguments) >= 4) as.integer(arguments[4]) else 60L
dir.create(folder, showWarnings = FALSE, recursive = TRUE)
results_file <- file.path(folder, paste0(tools::file_path_sans_ext(basename(design)), ".h5"))
status <- system2(binary, c("run", shQuote(design), "--replicates", replicates, "--keep-patients", replicates,
                            "-o", shQuote(results_file), "--quiet"), stdout = FALSE)
stopifnot(status == 0)

file <- H5File$new(results_file, "r")
config <- h5attr(file, "config_yaml")
sides <- as.integer(sub(".*\n  sides: ([12])\n.*", "\\1", config))
stratified <- grepl("\n  stratified: true\n", config)
# hdf5r presents an HDF5 [patient, look] dataset as a [look, patient] matrix.
patients <- list(replicate = file[["patients/replicate"]]$read(), arm = file[["patients/arm"]]$read(),
                 stratum = file[["patients/stratum"]]$read(), time = file[["patients/time"]]$read(),
                 status = file[["patients/status"]]$read())
stored_z <- file[["replicates/z"]]$read()  # [look, replicate]
stored_hr <- file[["replicates/hr"]]$read()
stored_se <- file[["replicates/log_hr_se"]]$read()
performed <- file[["replicates/performed"]]$read()
decision <- file[["replicates/decision"]]$read()
primary <- sub(".*\ntest:\n  statistic: ([a-z_]+)\n.*", "\\1", config)
ties <- sub(".*\n  ties: ([a-z]+)\n.*", "\\1", config)
stopifnot(ties %in% c("efron", "breslow"))
has_compare <- file$exists("summary/compare")
compared_z <- NULL
if (has_compare) {
  compare_keys <- file[["summary/compare/key"]]$read()
  compared_z <- file[["replicates/compare_z"]]$read()  # [compared, look, replicate]
  compared_decision <- file[["replicates/compare_decision"]]$read()
}
looks <- nrow(stored_z)
file$close_all()

MIN_AT_RISK <- 10
TOLERANCE <- 1e-6

# The design's own statistic, as a key: its parameters from the resolved YAML's test block.
test_block <- sub(".*\ntest:\n", "", config)
parameter <- function(name) as.numeric(sub(paste0(".*\n  ", name, ": ([-0-9.e+]+)\n.*"), "\\1", paste0("\n", test_block)))
primary_key <- switch(primary,
  fleming_harrington = sprintf("fleming_harrington(%g,%g)", parameter("rho"), parameter("gamma")),
  rmst = sprintf("rmst(%g)", parameter("tau")),
  milestone = sprintf("milestone(%g)", parameter("milestone")),
  maxcombo = "maxcombo(0,0;0,1;1,0)",  # the shipped cross-check designs use the default weights
  primary)

survdiff_z <- function(frame, rho) {
  formula <- if (stratified) Surv(time, event) ~ arm + strata(stratum) else Surv(time, event) ~ arm
  test <- survdiff(formula, data = frame, rho = rho)
  observed <- if (is.matrix(test$obs)) rowSums(test$obs) else test$obs
  expected <- if (is.matrix(test$exp)) rowSums(test$exp) else test$exp
  if (test$var[2, 2] <= 0) return(0)
  -(observed[2] - expected[2]) / sqrt(test$var[2, 2])
}

parse_weights <- function(text) lapply(strsplit(strsplit(text, ";")[[1]], ","), as.numeric)

estimable <- function(frame, landmark) {
  all(sapply(0:1, function(a) {
    arm <- frame[frame$arm == a, ]
    if (sum(arm$time >= landmark) >= MIN_AT_RISK) return(TRUE)
    fit <- survfit(Surv(time, event) ~ 1, data = arm)
    any(fit$surv[fit$time <= landmark] == 0)
  }))
}

# What R computes for one statistic: list(z =, p = MaxCombo's tail p-value or NA).
recompute <- function(key, frame) {
  name <- sub("\\(.*", "", key)
  inside <- sub("^[a-z_]+\\((.*)\\)$", "\\1", key)
  if (name == "logrank") return(list(z = survdiff_z(frame, 0)))
  if (name == "cox_wald") {
    formula <- if (stratified) Surv(time, event) ~ arm + strata(stratum) else Surv(time, event) ~ arm
    fit <- coxph(formula, data = frame, ties = "efron", control = coxph.control(eps = 1e-13, toler.chol = 1e-15))
    return(list(z = -coef(fit)[[1]] / sqrt(fit$var[1, 1])))
  }
  if (name == "fleming_harrington") {
    weight <- parse_weights(inside)[[1]]
    if (weight[2] == 0) return(list(z = survdiff_z(frame, weight[1])))
    sums <- fh_sums(frame, list(weight), stratified)
    return(list(z = if (sums$covariance[1, 1] > 0) -sums$score / sqrt(sums$covariance[1, 1]) else 0))
  }
  if (name == "maxcombo") {
    sums <- fh_sums(frame, parse_weights(inside), stratified)
    used <- diag(sums$covariance) > 0
    if (!any(used)) return(list(z = 0))
    z <- (-sums$score / sqrt(diag(sums$covariance)))[used]
    correlation <- cov2cor(sums$covariance[used, used, drop = FALSE])
    orthant <- function(bound) orthant_probability(rep(bound, length(z)), correlation)
    p_benefit <- 1 - orthant(max(z))
    p_harm <- 1 - orthant(-min(z))
    if (sides == 1 || p_benefit <= p_harm) return(list(z = -qnorm(p_benefit), p = p_benefit, tail = 1))
    return(list(z = qnorm(p_harm), p = p_harm, tail = -1))
  }
  landmark <- as.numeric(inside)
  if (!estimable(frame, landmark)) return(list(z = NaN))
  arms <- lapply(0:1, function(a) survfit(Surv(time, event) ~ 1, data = frame[frame$arm == a, ]))
  if (name == "rmst") {
    tables <- lapply(arms, function(fit) summary(fit, rmean = landmark)$table)
    difference <- tables[[2]][["rmean"]] - tables[[1]][["rmean"]]
    se <- sqrt(tables[[1]][["se(rmean)"]]^2 + tables[[2]][["se(rmean)"]]^2)
    return(list(z = if (se > 0) difference / se else 0))
  }
  if (name == "milestone") {
    at <- lapply(arms, function(fit) summary(fit, times = landmark, extend = TRUE))
    difference <- at[[2]]$surv - at[[1]]$surv  # control minus treatment event probability
    se <- sqrt(at[[1]]$std.err^2 + at[[2]]$std.err^2)
    return(list(z = if (se > 0) difference / se else 0))
  }
  stop("no cross-check for ", key)
}

passed <- 0
failed <- 0
largest <- 0
check <- function(key, r, k, stored, frame) {
  expected <- recompute(key, frame)
  where <- sprintf("%s replicate %d look %d", key, r, k)
  if (is.nan(expected$z) || is.nan(stored)) {
    ok <- is.nan(expected$z) && is.nan(stored)
  } else if (!is.null(expected$p)) {
    # MaxCombo: the tail's p-value, as trialsim's z gives it back.
    p_stored <- if (expected$tail == 1) pnorm(-stored) else pnorm(stored)
    difference <- abs(p_stored - expected$p)
    ok <- difference < TOLERANCE && sign(stored) == sign(expected$z)
    largest <<- max(largest, difference)
  } else {
    difference <- abs(stored - expected$z)
    ok <- difference < TOLERANCE
    largest <<- max(largest, difference)
  }
  if (ok) {
    passed <<- passed + 1
  } else {
    failed <<- failed + 1
    cat(sprintf("MISMATCH %s: trialsim %.12g, R %.12g\n", where, stored, expected$z))
  }
}

# The Cox estimate and its standard error, as /replicates/hr and /replicates/log_hr_se store them.
check_cox <- function(r, k, hr, se, frame) {
  where <- sprintf("cox replicate %d look %d", r, k)
  events <- tapply(frame$event, factor(frame$arm, levels = 0:1), sum)
  if (any(events == 0)) {
    # No event with both arms at risk: no estimate (NaN), else the MLE is at 0 or infinity.
    ok <- (is.nan(hr) && is.nan(se)) || (isTRUE(hr == 0 || is.infinite(hr)) && is.infinite(se))
    expected <- c(NA, NA)
  } else {
    formula <- if (stratified) Surv(time, event) ~ arm + strata(stratum) else Surv(time, event) ~ arm
    fit <- coxph(formula, data = frame, ties = ties, control = coxph.control(eps = 1e-13, toler.chol = 1e-15))
    expected <- c(coef(fit)[[1]], sqrt(fit$var[1, 1]))
    difference <- max(abs(log(hr) - expected[1]), abs(se - expected[2]))
    ok <- is.finite(difference) && difference < TOLERANCE
    if (is.finite(difference)) largest_cox <<- max(largest_cox, difference)
  }
  if (ok) {
    passed <<- passed + 1
  } else {
    failed <<- failed + 1
    cat(sprintf("MISMATCH %s: trialsim log HR %.12g SE %.12g, R %.12g SE %.12g\n", where, log(hr), se,
                expected[1], expected[2]))
  }
}
largest_cox <- 0

for (r in seq_len(replicates) - 1) {
  columns <- which(patients$replicate == r)
  for (k in seq_len(looks)) {
    time <- patients$time[k, columns]
    analysed <- !is.nan(time)
    if (!any(analysed)) next
    frame <- data.frame(time = time[analysed], event = patients$status[k, columns][analysed],
                        arm = patients$arm[columns][analysed], stratum = patients$stratum[columns][analysed])
    # Decision -1: that procedure had stopped before this look; only running ones are checked.
    if (decision[k, r + 1] != -1) check(primary_key, r, k, stored_z[k, r + 1], frame)
    if (performed[k, r + 1] == 1) check_cox(r, k, stored_hr[k, r + 1], stored_se[k, r + 1], frame)
    if (has_compare) {
      for (c in seq_along(compare_keys)) {
        if (compared_decision[c, k, r + 1] != -1) check(compare_keys[c], r, k, compared_z[c, k, r + 1], frame)
      }
    }
  }
}
cat(sprintf("largest difference: %.3g (z, or MaxCombo p-value)\n", largest))
cat(sprintf("largest difference: %.3g (Cox log HR or its SE)\n", largest_cox))
cat(sprintf("%d passed, %d failed\n", passed, failed))
quit(status = if (failed > 0 || passed == 0) 1 else 0)
