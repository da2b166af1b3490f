# R helpers shared by tests/reference/statistics.R and tests/reference/cross_check_patients.R:
# the Fleming-Harrington sums written out from their definition, and multivariate normal
# orthant probabilities that also cover the singular correlations of MaxCombo components.

# Fleming-Harrington G(rho, gamma) weighted log-rank sums, written out from the definition
# (Fleming & Harrington 1991, ch. 7): at each distinct event time of a stratum the weight
# S(t-)^rho (1 - S(t-))^gamma of the stratum's pooled Kaplan-Meier estimate, U = sum w (d1 - e1),
# and the covariance of two weights sum w_a w_b v, v the hypergeometric variance.
# For gamma = 0, statistics.R checks them against survdiff(rho =).
fh_sums <- function(frame, weights, stratified) {
  strata <- if (stratified) split(frame, frame$stratum) else list(frame)
  k <- length(weights)
  score <- numeric(k)
  covariance <- matrix(0, k, k)
  for (part in strata) {
    times <- sort(unique(part$time[part$event == 1]))
    survival <- 1
    for (t in times) {
      at_risk <- part$time >= t
      n <- sum(at_risk)
      n1 <- sum(at_risk & part$arm == 1)
      d <- sum(part$time == t & part$event == 1)
      d1 <- sum(part$time == t & part$event == 1 & part$arm == 1)
      v <- if (n > 1) n1 * (n - n1) * d * (n - d) / (n^2 * (n - 1)) else 0
      w <- sapply(weights, function(g) survival^g[1] * (1 - survival)^g[2])
      score <- score + w * (d1 - n1 * d / n)
      covariance <- covariance + outer(w, w) * v
      survival <- survival * (n - d) / n
    }
  }
  list(score = score, covariance = covariance)
}

# P(Z <= upper), Z ~ N(0, R). Miwa's algorithm where R is non-singular. A singular R (the
# default MaxCombo's FH(0,0) weight is the sum of the FH(0,1) and FH(1,0) weights, so its
# correlation has rank 2) is written as Z = A Y with Y ~ N(0, I_r): for r = 1 an interval of
# Y, for r = 2 an integral over y1 of the normal probability of the interval of y2 that
# the constraints leave, split where the constraints cross so that each piece is smooth.
orthant_probability <- function(upper, correlation) {
  if (length(upper) == 1) return(pnorm(upper))
  decomposition <- eigen(correlation, symmetric = TRUE)
  keep <- decomposition$values > 1e-9 * decomposition$values[1]
  if (all(keep)) return(pmvnorm(upper = upper, corr = correlation, algorithm = Miwa(steps = 2048))[1])
  a <- decomposition$vectors[, keep, drop = FALSE] %*% diag(sqrt(decomposition$values[keep]), sum(keep))
  a <- a / sqrt(rowSums(a^2))  # unit variances, as R has them
  interval <- function(coefficients, bounds) {  # {y : coefficients * y <= bounds}
    low <- max(c(-Inf, (bounds / coefficients)[coefficients < 0]))
    high <- min(c(Inf, (bounds / coefficients)[coefficients > 0]))
    if (any(coefficients == 0 & bounds < 0)) return(c(0, 0))
    c(low, max(low, high))
  }
  if (ncol(a) == 1) {
    limits <- interval(a[, 1], upper)
    return(pnorm(limits[2]) - pnorm(limits[1]))
  }
  stopifnot(ncol(a) == 2)
  inner <- function(y1) sapply(y1, function(y) {
    limits <- interval(a[, 2], upper - a[, 1] * y)
    dnorm(y) * (pnorm(limits[2]) - pnorm(limits[1]))
  })
  crossings <- c()
  for (i in seq_len(nrow(a))) for (j in seq_len(nrow(a))) {
    determinant <- a[i, 1] * a[j, 2] - a[j, 1] * a[i, 2]
    if (i < j && abs(determinant) > 1e-12) crossings <- c(crossings, (upper[i] * a[j, 2] - upper[j] * a[i, 2]) / determinant)
  }
  points <- sort(unique(c(-Inf, crossings[abs(crossings) < 40], Inf)))
  total <- 0
  for (piece in seq_len(length(points) - 1)) {
    total <- total + integrate(inner, points[piece], points[piece + 1], rel.tol = 1e-12, abs.tol = 1e-14,
                               subdivisions = 1000L)$value
  }
  total
}
