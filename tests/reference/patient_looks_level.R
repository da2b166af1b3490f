# The true type I error of the RMST and milestone Wald tests in the three-patient-look
# design of tests/test_compare.cpp (TypeOneError.*PatientLooks), by a simulation written
# independently of trialsim. Run from the repository root:
#   Rscript tests/reference/patient_looks_level.R
# Needs R (>= 4.0) with mvtnorm (tools/setup_r installs it). It rewrites
# tests/data/patient_looks_level.csv.
#
# The design: both arms with the early-hazard law of tests/null_trial.hpp (event
# probabilities 0.35, 0.50, 0.60 at days 7, 30, 180; piecewise exponential), blocks of 4,
# fixed follow-up 180 days, looks at the first 100, 200 and all 300 patients with complete
# follow-up (50, 100, 150 per arm, nested), two-sided 0.05 with Pocock's constant boundary
# for information fractions 1/3, 2/3, 1. With complete follow-up to the landmark and to tau:
#   - RMST(180) per arm is the mean of min(T, 180), and the Greenwood-type (delta-method)
#     variance trialsim uses (src/statistics/rmst.cpp) is sum((x - mean)^2) / n^2, the
#     sample variance with divisor n, over n; this script checks that identity against
#     the formula itself on one sample;
#   - the milestone event probability is the observed proportion, Greenwood's variance
#     p (1 - p) / n (src/statistics/milestone.cpp): the unpooled two-proportion z.
# A look where an arm has fewer than 10 patients at risk at day 180 (and its curve is not
# 0) leaves the statistic undefined and cannot reject (MIN_AT_RISK_AT_LANDMARK).
#
# The estimates at the nested looks are means over nested samples, so their correlation is
# exactly sqrt(n_j / n_k), the plan's sqrt(t_j / t_k): the information fractions are right.
# The excess over 0.05 comes from the first look's small samples (50 per arm): the plug-in
# variances (divisor n) and the normal approximation of a skewed, bimodal mean (about 35%
# of min(T, 180) is below 7 days, 40% at 180) make |z| >= c more likely than 2 (1 - Phi(c)).
# The script reports each look's own crossing probability, the level of a single test at
# the first look alone at Pocock's nominal level, and the correlations of the z's.

suppressPackageStartupMessages(library(mvtnorm))

data_dir <- file.path("tests", "data")
stopifnot(dir.exists(data_dir))
source(file.path("tests", "reference", "reference_csv.R"))  # number(), write_reference_csv()

set.seed(20240103)
replicates <- 400000  # Monte Carlo SE 0.00036 at a level of 0.055
chunk <- 50000
per_arm <- c(50, 100, 150)
tau <- 180
min_at_risk <- 10

# Pocock's constant for three equally spaced looks, two-sided 0.05.
sigma <- outer(1:3, 1:3, function(i, j) sqrt(pmin(i, j) / pmax(i, j)))
pocock <- uniroot(function(c) {
  1 - pmvnorm(lower = rep(-c, 3), upper = rep(c, 3), corr = sigma,
              algorithm = GenzBretz(abseps = 1e-9, maxpts = 1e6))[1] - 0.05
}, c(2, 3), tol = 1e-10)$root
nominal <- 2 * pnorm(-pocock)

# Piecewise exponential through S(7) = 0.65, S(30) = 0.50, S(180) = 0.40: T = H^-1(-log U).
breaks <- c(0, 7, 30, 180)
cumulative <- -log(c(1, 0.65, 0.50, 0.40))
hazards <- diff(cumulative) / diff(breaks)
event_time <- function(count) {
  h <- -log(runif(count))
  segment <- findInterval(h, cumulative, rightmost.closed = FALSE)
  segment[segment > 3] <- 4
  t <- rep(Inf, count)
  inside <- segment <= 3
  s <- segment[inside]
  t[inside] <- breaks[s] + (h[inside] - cumulative[s]) / hazards[s]
  t
}

# The RMST variance identity on one sample, against the Greenwood-type sum of rmst.cpp.
check_identity <- function() {
  x <- pmin(event_time(57), tau)
  event <- x < tau
  times <- sort(unique(x[event]))
  km <- cumprod(vapply(times, function(t) 1 - sum(x == t & event) / sum(x >= t), 0))
  steps <- c(0, times)
  surv <- c(1, km)
  area <- sum(surv * diff(c(steps, tau)))
  variance <- 0
  before <- 0
  for (i in seq_along(times)) {
    before <- before + surv[i] * (steps[i + 1] - steps[i])
    n <- sum(x >= times[i])
    d <- sum(x == times[i] & event)
    if (n > d) variance <- variance + (area - before)^2 * d / (n * (n - d))
  }
  stopifnot(abs(area - mean(x)) < 1e-9,
            abs(variance - sum((x - mean(x))^2) / length(x)^2) < 1e-9 * variance)
}
check_identity()

looks <- length(per_arm)
reject_rmst <- reject_milestone <- matrix(FALSE, 0, looks)
z_rmst_all <- z_milestone_all <- matrix(0, 0, looks)
single_rmst <- single_milestone <- logical(0)
for (start in seq(1, replicates, by = chunk)) {
  count <- min(chunk, replicates - start + 1)
  z_r <- z_m <- matrix(NA_real_, count, looks)
  x <- e <- list()
  for (arm in 1:2) {
    t <- matrix(event_time(count * max(per_arm)), count)
    x[[arm]] <- pmin(t, tau)
    e[[arm]] <- t <= tau
  }
  for (k in seq_len(looks)) {
    n <- per_arm[k]
    mean_x <- lapply(1:2, function(a) rowMeans(x[[a]][, 1:n, drop = FALSE]))
    var_x <- lapply(1:2, function(a) rowMeans(x[[a]][, 1:n, drop = FALSE]^2) - mean_x[[a]]^2)
    p <- lapply(1:2, function(a) rowMeans(e[[a]][, 1:n, drop = FALSE]))
    # A curve at 0 is known at the landmark (everyone had the event).
    arm_ok <- lapply(1:2, function(a) p[[a]] == 1 | (1 - p[[a]]) * n >= min_at_risk)
    at_risk_ok <- arm_ok[[1]] & arm_ok[[2]]
    se_r <- sqrt((pmax(var_x[[1]], 0) + pmax(var_x[[2]], 0)) / n)
    se_m <- sqrt((p[[1]] * (1 - p[[1]]) + p[[2]] * (1 - p[[2]])) / n)
    z_r[, k] <- ifelse(se_r > 0, (mean_x[[2]] - mean_x[[1]]) / se_r, 0)
    z_m[, k] <- ifelse(se_m > 0, (p[[1]] - p[[2]]) / se_m, 0)
    z_r[!at_risk_ok, k] <- NA
    z_m[!at_risk_ok, k] <- NA
  }
  z_rmst_all <- rbind(z_rmst_all, z_r)
  z_milestone_all <- rbind(z_milestone_all, z_m)
}

crossing <- function(z, c) {
  hit <- !is.na(z) & abs(z) >= c
  first <- integer(nrow(z))
  for (k in rev(seq_len(ncol(z)))) first[hit[, k]] <- k
  c(level = mean(first > 0), vapply(seq_len(ncol(z)), function(k) mean(first == k), 0))
}

rows <- list()
for (statistic in c("rmst", "milestone")) {
  z <- if (statistic == "rmst") z_rmst_all else z_milestone_all
  cross <- crossing(z, pocock)
  first_alone <- mean(!is.na(z[, 1]) & abs(z[, 1]) >= pocock)
  defined <- stats::complete.cases(z)
  correlation <- cor(z[defined, ])
  rows[[statistic]] <- data.frame(
    statistic = statistic, replicates = replicates, pocock_critical = number(pocock),
    level = number(cross[["level"]]), level_se = number(sqrt(cross[["level"]] * (1 - cross[["level"]]) / replicates)),
    look1 = number(cross[[2]]), look2 = number(cross[[3]]), look3 = number(cross[[4]]),
    first_look_alone = number(first_alone), first_look_nominal = number(nominal),
    correlation_12 = number(correlation[1, 2]), correlation_13 = number(correlation[1, 3]),
    correlation_23 = number(correlation[2, 3]))
}
frame <- do.call(rbind, rows)
print(frame, row.names = FALSE)
write_reference_csv(
  "patient_looks_level.csv",
  c("Type I error of the RMST(180) and milestone(180) Wald tests at three nested patient looks",
    "(50, 100, 150 per arm, complete follow-up), Pocock two-sided 0.05; the early-hazard law",
    "of tests/null_trial.hpp in both arms. level: P(reject at any look), level_se its Monte",
    "Carlo SE; lookK: P(first rejection at look K); first_look_alone: P(|z1| >= c), the level",
    "of a single test at look 1 at Pocock's nominal level first_look_nominal = 2 (1 - Phi(c));",
    "correlation_jk: the z's correlation (plan: sqrt(1/2), sqrt(1/3), sqrt(2/3))."),
  frame, "tests/reference/patient_looks_level.R", c("mvtnorm"))
