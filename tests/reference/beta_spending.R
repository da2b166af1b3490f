# Reference values for the beta-spending futility and user alpha-spending tests of
# tests/test_boundaries.cpp. Run from the repository root:
#   Rscript tests/reference/beta_spending.R
# Needs R (>= 4.0) with rpact 3.3.4 (tools/setup_r installs it). It rewrites
# tests/data/boundaries_beta_spending.csv, each number as the shortest decimal that
# reads back as the same double, one row per look of each design of
# rpact::getDesignGroupSequential:
#   - alpha spending (asOF, asP, asHSD, asKD) with beta spending (bsOF, bsP, bsHSD, bsKD),
#     one-sided (rpact's beta spending is one-sided; its two-sided form is experimental),
#     binding and non-binding, beta 0.1 and 0.2, two to four looks;
#   - user-given cumulative alpha spending (asUser), one- and two-sided, with zeros at
#     interims (a look without efficacy stop), alone, with beta spending, and with a
#     binding z futility bound.
# critical is Inf where rpact shows one (critical values >= 7.5, e.g. a look that spends
# no alpha); futility is NA at the last look and where a design has none; beta_spent is
# NA where rpact computes none.

suppressPackageStartupMessages({
  library(mvtnorm)
  library(rpact)
})

data_dir <- file.path("tests", "data")
stopifnot(dir.exists(data_dir))

source(file.path("tests", "reference", "reference_csv.R"))  # number(), write_reference_csv()

rows <- list()
add_design <- function(t, design, gamma_a = NA_real_, beta_spending = "none", gamma_b = NA_real_,
                       sided = 1, alpha = 0.025, beta = 0.2, binding = FALSE, user_alpha = NA_real_,
                       futility = NA_real_) {
  arguments <- list(kMax = length(t), alpha = alpha, sided = sided, informationRates = t,
                    typeOfDesign = design, bindingFutility = binding)
  if (!is.na(gamma_a)) arguments$gammaA <- gamma_a
  if (design == "asUser") arguments$userAlphaSpending <- user_alpha
  if (beta_spending != "none") {
    arguments$typeBetaSpending <- beta_spending
    arguments$beta <- beta
    if (!is.na(gamma_b)) arguments$gammaB <- gamma_b
  }
  if (!all(is.na(futility))) arguments$futilityBounds <- futility
  d <- suppressWarnings(do.call(getDesignGroupSequential, arguments))
  k <- length(t)
  futility_bounds <- if (beta_spending != "none" || !all(is.na(futility))) d$futilityBounds else rep(NA, k - 1)
  case <- length(rows) + 1
  rows[[case]] <<- data.frame(
    case = case, design = design, parameter = number(gamma_a), beta_spending = beta_spending,
    beta_parameter = number(gamma_b), sided = sided, alpha = number(alpha),
    beta = number(if (beta_spending == "none") NA else beta), binding = as.integer(binding),
    look = seq_len(k), information = number(t),
    user_alpha = number(if (design == "asUser") user_alpha else rep(NA, k)),
    critical = number(d$criticalValues), futility = number(c(futility_bounds, NA)),
    alpha_spent = number(d$alphaSpent),
    beta_spent = number(if (beta_spending == "none") rep(NA, k) else d$betaSpent))
}

# --- Beta spending with the alpha-spending families --------------------------------------
fractions <- list(c(0.5, 1), c(1/3, 2/3, 1), c(0.3, 0.7, 1), c(0.25, 0.5, 0.75, 1), c(0.2, 0.45, 0.7, 1))
alpha_designs <- data.frame(design = c("asOF", "asP", "asHSD", "asKD"), gamma = c(NA, NA, -4, 2))
beta_designs <- data.frame(design = c("bsOF", "bsP", "bsHSD", "bsKD"), gamma = c(NA, NA, -2, 3))
for (f in seq_along(fractions)) {
  for (a in seq_len(nrow(alpha_designs))) {
    for (offset in 0:1) {
      b <- (a + f + 2 * offset) %% nrow(beta_designs) + 1  # every pairing across the fraction sets
      for (binding in c(FALSE, TRUE)) {
        add_design(fractions[[f]], alpha_designs$design[a], alpha_designs$gamma[a],
                   beta_designs$design[b], beta_designs$gamma[b],
                   beta = if ((f + a + offset) %% 2 == 0) 0.2 else 0.1, binding = binding)
      }
    }
  }
}
# One-sided 0.05 and a larger beta.
for (binding in c(FALSE, TRUE)) {
  add_design(c(0.4, 1), "asOF", beta_spending = "bsP", alpha = 0.05, beta = 0.3, binding = binding)
  add_design(c(0.25, 0.5, 0.75, 1), "asHSD", -2, "bsHSD", 1, alpha = 0.05, beta = 0.15, binding = binding)
}

# --- User alpha spending ----------------------------------------------------------------
user_cases <- list(
  list(t = c(1/3, 2/3, 1), spent = c(0.001, 0.01, 0.025)),
  list(t = c(0.5, 1), spent = c(0, 0.025)),                       # futility-only interim
  list(t = c(1/3, 2/3, 1), spent = c(0, 0.01, 0.025)),            # no efficacy stop at look 1
  list(t = c(0.25, 0.5, 0.75, 1), spent = c(0.002, 0.002, 0.012, 0.025)))  # none at look 2
for (x in user_cases) {
  add_design(x$t, "asUser", user_alpha = x$spent)
  add_design(x$t, "asUser", user_alpha = 2 * x$spent, sided = 2, alpha = 0.05)
  for (binding in c(FALSE, TRUE)) {
    add_design(x$t, "asUser", user_alpha = x$spent, beta_spending = "bsOF", beta = 0.2, binding = binding)
  }
  add_design(x$t, "asUser", user_alpha = x$spent, binding = TRUE, futility = rep(0, length(x$t) - 1))
}

write_reference_csv("boundaries_beta_spending.csv", c(
  "Beta-spending futility and user alpha spending from rpact::getDesignGroupSequential",
  "(tolerance 1e-8): critical values, futility bounds (z), cumulative alpha spent (both tails",
  "when sided = 2) and cumulative beta spent per look. parameter is gammaA, beta_parameter",
  "gammaB; user_alpha the userAlphaSpending of asUser designs; binding 1 for bindingFutility."),
  do.call(rbind, rows), "tests/reference/beta_spending.R", "rpact")

# --- Exact solutions where rpact's are approximate ----------------------------------------
# With a look that spends no alpha (an interim without efficacy stop) rpact's integration
# grid runs up to its display cap, and its beta spent misses beta by up to 1.6e-7 (its
# futility bounds by up to 7e-6); for a binding design whose user spending starts with
# zeros rpact switches to noEarlyEfficacy and keeps the final critical value of the design
# without futility (so its level is below alpha). These designs are solved here exactly:
# every probability a multivariate normal rectangle from mvtnorm::pmvnorm (Genz-Bretz for
# up to two dimensions, Miwa for three), each bound by uniroot (tol 1e-12), and the drift
# theta so that the last futility bound meets the last critical value.
canonical_sigma <- function(t) outer(t, t, function(a, b) sqrt(pmin(a, b) / pmax(a, b)))
# P(lower_j < Z_j < upper_j for j < k, Z_k in [from, to]) at drift theta.
rectangle <- function(t, lower, upper, k, from, to, theta) {
  lo <- c(lower[seq_len(k - 1)], from)
  hi <- c(upper[seq_len(k - 1)], to)
  lo <- pmax(lo, -40)
  hi <- pmin(hi, 40)
  algorithm <- if (k <= 2) GenzBretz(abseps = 1e-14) else Miwa(steps = 4096)
  as.numeric(pmvnorm(lower = lo, upper = hi, mean = theta * sqrt(t[1:k]), sigma = canonical_sigma(t[1:k]),
                     algorithm = algorithm))
}
exact_beta_spending <- function(t, spent, beta, binding) {
  k_max <- length(t)
  beta_targets <- 2 * pnorm(qnorm(1 - beta / 2) / sqrt(t), lower.tail = FALSE)  # bsOF
  bounds_at <- function(theta) {
    upper <- rep(Inf, k_max)
    lower <- rep(-Inf, k_max)
    for (k in seq_len(k_max)) {
      alpha_increment <- spent[k] - (if (k == 1) 0 else spent[k - 1])
      binding_lower <- if (binding) lower else rep(-Inf, k_max)
      g <- function(c) rectangle(t, binding_lower, upper, k, c, Inf, 0) - alpha_increment
      upper[k] <- if (alpha_increment <= 0) Inf else if (g(-8) < 0) -8 else uniroot(g, c(-8, 10), tol = 1e-12)$root
      beta_increment <- beta_targets[k] - (if (k == 1) 0 else beta_targets[k - 1])
      f <- function(u) rectangle(t, lower, upper, k, -Inf, u, theta) - beta_increment
      # When the continuing paths carry less than the increment (theta far too large while
      # searching), the bound lies beyond every efficacy bound.
      lower[k] <- if (f(12) < 0) 12 else uniroot(f, c(-8, 12), tol = 1e-12)$root
    }
    list(upper = upper, lower = lower)
  }
  theta <- uniroot(function(theta) { b <- bounds_at(theta); b$lower[k_max] - b$upper[k_max] },
                   c(2, 4), tol = 1e-12)$root
  b <- bounds_at(theta)
  data.frame(binding = as.integer(binding), look = seq_len(k_max), information = number(t),
             user_alpha = number(spent), critical = number(b$upper),
             futility = number(c(b$lower[-k_max], NA)), drift = number(theta))
}
exact_rows <- list()
for (x in list(list(t = c(0.5, 1), spent = c(0, 0.025)), list(t = c(1/3, 2/3, 1), spent = c(0, 0.01, 0.025)))) {
  for (binding in c(FALSE, TRUE)) {
    exact_rows[[length(exact_rows) + 1]] <- cbind(case = length(exact_rows) + 1,
                                                  exact_beta_spending(x$t, x$spent, 0.2, binding))
  }
}
write_reference_csv("boundaries_beta_spending_exact.csv", c(
  "One-sided alpha 0.025 designs with user alpha spending that spends nothing at the first",
  "look (no efficacy stop there) and O'Brien-Fleming-type beta spending of beta = 0.2,",
  "solved exactly on multivariate normal probabilities (mvtnorm::pmvnorm, uniroot tol 1e-12);",
  "drift is the alternative's theta, E[Z_k] = theta sqrt(t_k). Inf: no efficacy stop."),
  do.call(rbind, exact_rows), "tests/reference/beta_spending.R", "mvtnorm")
