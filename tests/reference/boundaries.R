# Reference values for tests/test_boundaries.cpp. Run from the repository root:
#   Rscript tests/reference/boundaries.R
# Needs R (>= 4.0) with the packages mvtnorm (>= 1.1) and rpact (>= 3.3)
# (Debian / Ubuntu: apt-get install r-cran-mvtnorm r-cran-rpact).
# It rewrites five files in tests/data, each number as the shortest decimal that
# reads back as the same double:
#   boundaries_normal.csv    R's pnorm / qnorm at chosen points
#   boundaries_crossing.csv  first-exit probabilities of the canonical joint
#                            distribution, as multivariate normal rectangle
#                            probabilities from mvtnorm::pmvnorm
#   boundaries_spending.csv  the spending functions, written out in R
#   boundaries_exact.csv     two-look critical values solved on exact bivariate
#                            normal probabilities (no integration grid)
#   boundaries_rpact.csv     critical values and cumulative alpha spent of
#                            rpact::getDesignGroupSequential for every family
#
# Conventions shared with the C++ code: Z_k ~ N(drift * sqrt(t_k), 1) and
# cov(Z_j, Z_k) = sqrt(t_j / t_k) for t_j <= t_k; "upper" exit at look k means
# lower_j < Z_j < upper_j for j < k and Z_k >= upper_k.

suppressPackageStartupMessages({
  library(mvtnorm)
  library(rpact)
})

data_dir <- file.path("tests", "data")
stopifnot(dir.exists(data_dir))

source(file.path("tests", "reference", "reference_tables.R"))  # number(), write_reference_csv()

write_csv <- function(file, comment_lines, frame) {
  write_reference_csv(file, comment_lines, frame, "tests/reference/boundaries.R", c("mvtnorm", "rpact"))
}

# --- Normal distribution ---------------------------------------------------------
probabilities <- c(1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.0125, 0.025, 0.05, 0.1,
                   0.2, 0.3, 0.4, 0.45, 0.49, 0.499999, 0.51, 0.6, 0.75, 0.9, 0.975, 0.99, 0.999999)
points <- c(-37, -30, -20, -10, -8, -5, -3, -2, -1.959963984540054, -1, -0.5, -1e-3,
            0, 1e-3, 0.5, 1, 1.959963984540054, 2, 3, 5, 8)
write_csv("boundaries_normal.csv",
          c("Standard normal quantiles and distribution function from R's qnorm (AS 241) and pnorm",
            "(Cody's algorithm); function is quantile (argument p) or cdf (argument z)."),
          rbind(data.frame(function_name = "quantile", argument = number(probabilities),
                           value = number(qnorm(probabilities))),
                data.frame(function_name = "cdf", argument = number(points),
                           value = number(pnorm(points)))))

# --- Crossing probabilities --------------------------------------------------------
# P(lower_j < Z_j < upper_j for j < k, Z_k >= upper_k) (side "upper") or Z_k <= lower_k
# (side "lower"), as one pmvnorm rectangle per look. Two dimensions use Genz's
# bivariate algorithm (exact to about 1e-15); three use Miwa's algorithm, which is
# deterministic (4096 and 2048 steps agree to 1e-15 on these cases).
canonical_sigma <- function(t) outer(t, t, function(a, b) sqrt(pmin(a, b) / pmax(a, b)))

first_exit <- function(t, upper, lower, drift, k, side) {
  if (is.infinite(if (side == "upper") upper[k] else lower[k])) return(0)  # no boundary on that side
  lo <- c(lower[seq_len(k - 1)], if (side == "upper") upper[k] else -Inf)
  hi <- c(upper[seq_len(k - 1)], if (side == "upper") Inf else lower[k])
  algorithm <- if (k <= 2) GenzBretz(abseps = 1e-14) else Miwa(steps = 4096)
  if (k > 2) {
    # Miwa's algorithm needs finite limits; beyond 40 the normal tail is below 1e-300.
    lo <- pmax(lo, -40)
    hi <- pmin(hi, 40)
  }
  p <- pmvnorm(lower = lo, upper = hi, mean = drift * sqrt(t[1:k]),
               sigma = canonical_sigma(t[1:k]), algorithm = algorithm)
  as.numeric(p)
}

crossing_cases <- list(
  list(t = c(0.5, 1), upper = c(2.797, 1.977), lower = c(-2.797, -1.977), drift = 0),
  list(t = c(0.5, 1), upper = c(2.797, 1.977), lower = c(-2.797, -1.977), drift = 2.8),
  list(t = c(0.3, 1), upper = c(3.2, 1.9), lower = c(0.1, -Inf), drift = 1.5),
  list(t = c(0.1, 1), upper = c(Inf, 2.1), lower = c(-0.5, -Inf), drift = -0.7),
  list(t = c(0.9, 1), upper = c(2.2, 2.0), lower = c(-1, -Inf), drift = 3),
  list(t = c(0.25, 0.6, 1), upper = c(3.5, 2.6, 2.0), lower = c(-0.2, 0.3, -Inf), drift = 2.4),
  list(t = c(1/3, 2/3, 1), upper = c(2.289, 2.289, 2.289), lower = c(-2.289, -2.289, -2.289), drift = 0),
  list(t = c(0.2, 0.5, 1), upper = c(4, 3, 2), lower = c(-Inf, -1, 1.5), drift = 1))
crossing_rows <- list()
for (case in seq_along(crossing_cases)) {
  x <- crossing_cases[[case]]
  for (k in seq_along(x$t)) {
    for (side in c("upper", "lower")) {
      crossing_rows[[length(crossing_rows) + 1]] <- data.frame(
        case = case, look = k, information = number(x$t[k]), upper = number(x$upper[k]),
        lower = number(x$lower[k]), drift = number(x$drift), side = side,
        probability = number(first_exit(x$t, x$upper, x$lower, x$drift, k, side)))
    }
  }
}
write_csv("boundaries_crossing.csv",
          c("First-exit probabilities of the canonical joint distribution, one case per design,",
            "from mvtnorm::pmvnorm (Genz-Bretz for two looks, Miwa with 4096 steps for three);",
            "Inf means no boundary on that side."),
          do.call(rbind, crossing_rows))

# --- Spending functions --------------------------------------------------------------
# Written out from the published definitions, independently of the C++ code:
# Lan & DeMets (1983), Hwang, Shih & DeCani (1990), Kim & DeMets (1987).
spend <- function(name, parameter, alpha, t) {
  t <- min(t, 1)
  switch(name,
         obrien_fleming = 2 * pnorm(qnorm(alpha / 2, lower.tail = FALSE) / sqrt(t), lower.tail = FALSE),
         pocock = alpha * log(1 + (exp(1) - 1) * t),
         hsd = if (parameter == 0) alpha * t else alpha * (1 - exp(-parameter * t)) / (1 - exp(-parameter)),
         power = alpha * t^parameter)
}
spending_cases <- expand.grid(t = c(0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 1.5), alpha = c(0.025, 0.05),
                              stringsAsFactors = FALSE)
functions <- data.frame(name = c("obrien_fleming", "pocock", "hsd", "hsd", "hsd", "power", "power"),
                        parameter = c(NA, NA, -4, 0, 2, 1, 3), stringsAsFactors = FALSE)
spending_rows <- list()
for (f in seq_len(nrow(functions))) {
  for (i in seq_len(nrow(spending_cases))) {
    s <- spending_cases[i, ]
    spending_rows[[length(spending_rows) + 1]] <- data.frame(
      function_name = functions$name[f], parameter = number(functions$parameter[f]),
      alpha = number(s$alpha), t = number(s$t),
      value = number(spend(functions$name[f], functions$parameter[f], s$alpha, s$t)))
  }
}
write_csv("boundaries_spending.csv",
          c("Cumulative alpha spent at t for a one-sided level alpha, written out in R from the",
            "published formulas; parameter is the HSD gamma or the power rho (NA when unused)."),
          do.call(rbind, spending_rows))

# --- Exact two-look boundaries ---------------------------------------------------------
# With two looks every probability is a bivariate normal rectangle, which Genz's
# algorithm in mvtnorm gives to about 1e-15: solving designs with uniroot on these
# gives critical values free of any integration grid (to be compared with both the
# C++ code and rpact).
bivariate <- function(t1, lower, upper) {
  as.numeric(pmvnorm(lower = lower, upper = upper, sigma = canonical_sigma(c(t1, 1)),
                     algorithm = GenzBretz(abseps = 1e-15)))
}
# P_H0(reject at look 1 or 2); two-sided tests are symmetric.
level <- function(t1, c1, c2, sided) {
  one_tail <- pnorm(c1, lower.tail = FALSE) +
    bivariate(t1, c(if (sided == 1) -Inf else -c1, c2), c(c1, Inf))
  sided * one_tail
}
exact_two_look <- function(design, sided, alpha, t1) {
  solve <- function(f) uniroot(f, c(0.5, 12), tol = 1e-14)$root
  if (design == "OF" || design == "P") {
    power <- if (design == "OF") -0.5 else 0
    constant <- solve(function(C) level(t1, C * t1^power, C, sided) - alpha)
    return(c(constant * t1^power, constant))
  }
  # Spending: each tail spends the one-sided function of alpha / sided by t1.
  c1 <- if (design == "HP") 3 else qnorm(spend("obrien_fleming", NA, alpha / sided, t1), lower.tail = FALSE)
  c(c1, solve(function(c2) level(t1, c1, c2, sided) - alpha))
}
exact_rows <- list()
for (design in c("OF", "P", "asOF", "HP")) {
  for (sided in 1:2) {
    for (t1 in c(0.15, 0.5, 0.8)) {
      alpha <- if (sided == 1) 0.025 else 0.05
      z <- exact_two_look(design, sided, alpha, t1)
      exact_rows[[length(exact_rows) + 1]] <- data.frame(
        design = design, sided = sided, alpha = number(alpha), t1 = number(t1),
        critical1 = number(z[1]), critical2 = number(z[2]))
    }
  }
}
write_csv("boundaries_exact.csv",
          c("Two-look critical values solved with uniroot (tol 1e-14) on exact bivariate normal",
            "probabilities (mvtnorm Genz-Bretz); looks at t1 and 1. OF and P: classical constants;",
            "asOF: Lan-DeMets O'Brien-Fleming-type spending of alpha / sided per tail; HP: interim 3."),
          do.call(rbind, exact_rows))

# --- rpact designs --------------------------------------------------------------------
# One row per look. rpact's two-sided designs are symmetric with total level alpha,
# and its spending functions then spend alpha / 2 in each tail: the convention of
# the C++ code (checked: asOF, two-sided 0.05, looks at 0.5 and 1 gives 2.9626 at the
# interim, the one-sided function of 0.025; the Pocock-type, HSD and power functions
# are linear in alpha, so for them both readings agree). Haybittle-Peto uses rpact's
# constantBoundsHP = 3 at the interims. rpact shows critical values above its
# C_UPPER_BOUNDS_DEFAULT = 8 as Inf.
fractions <- list(c(0.5, 1), c(1/3, 2/3, 1), c(0.3, 0.6, 1), c(0.2, 0.45, 0.7, 0.85, 1), c(0.15, 0.4, 1))
designs <- data.frame(
  design = c("OF", "P", "WT", "WT", "HP", "asOF", "asP", "asHSD", "asHSD", "asKD", "asKD"),
  parameter = c(NA, NA, 0.25, -0.25, 3, NA, NA, -4, 1, 1, 3),
  stringsAsFactors = FALSE)
levels <- data.frame(sided = c(1, 2, 2), alpha = c(0.025, 0.05, 0.01))

rpact_design <- function(design, parameter, sided, alpha, t, futility = NA_real_, binding = NA) {
  arguments <- list(kMax = length(t), alpha = alpha, sided = sided, informationRates = t,
                    typeOfDesign = design)
  if (design == "WT") arguments$deltaWT <- parameter
  if (design %in% c("asHSD", "asKD")) arguments$gammaA <- parameter
  if (design == "HP") arguments$constantBoundsHP <- parameter
  if (!all(is.na(futility))) {
    arguments$futilityBounds <- futility
    arguments$bindingFutility <- binding
  }
  do.call(getDesignGroupSequential, arguments)
}

rpact_rows <- list()
add_case <- function(design, parameter, sided, alpha, t, futility = NA_real_, binding = FALSE) {
  d <- rpact_design(design, parameter, sided, alpha, t, futility, binding)
  case <- length(rpact_rows) + 1
  rpact_rows[[case]] <<- data.frame(
    case = case, design = design, sided = sided, alpha = number(alpha), parameter = number(parameter),
    binding = as.integer(binding), look = seq_along(t), information = number(t),
    futility = number(c(if (all(is.na(futility))) rep(NA, length(t) - 1) else futility, NA)),
    critical = number(d$criticalValues), alpha_spent = number(d$alphaSpent))
}
for (l in seq_len(nrow(levels))) {
  for (i in seq_len(nrow(designs))) {
    for (t in fractions) {
      add_case(designs$design[i], designs$parameter[i], levels$sided[l], levels$alpha[l], t)
    }
  }
}
# Futility boundaries on the z scale, one-sided: binding ones enter the recursion,
# non-binding ones do not change the efficacy boundary.
futility_cases <- list(list(t = c(0.5, 1), futility = 0),
                       list(t = c(0.3, 0.6, 1), futility = c(0, 0.5)),
                       list(t = c(0.2, 0.45, 0.7, 0.85, 1), futility = c(-0.5, 0, 0.6, 1.2)))
for (x in futility_cases) {
  for (i in seq_len(nrow(designs))) {
    add_case(designs$design[i], designs$parameter[i], 1, 0.025, x$t, x$futility, TRUE)
  }
  add_case("asOF", NA, 1, 0.025, x$t, x$futility, FALSE)
}
write_csv("boundaries_rpact.csv",
          c("Group-sequential designs from rpact::getDesignGroupSequential (tolerance 1e-8 on alpha):",
            "critical values per look and cumulative alpha spent (both tails when sided = 2); Inf for",
            "critical values above rpact's display cap of 8. parameter is deltaWT",
            "(WT), gammaA (asHSD, asKD) or constantBoundsHP (HP); futility is the one-sided z futility",
            "bound (NA: none), binding 1 when bindingFutility = TRUE."),
          do.call(rbind, rpact_rows))
