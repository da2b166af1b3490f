# Independent validation of trialsim against R's rpact (run by tools/validate_rpact).
#
# For designs that both tools express (event-driven looks, open follow-up,
# exponential, piecewise-exponential and Weibull survival, exponential dropout,
# piecewise accrual, one-sided alpha 0.025: rpact simulates one-sided designs only)
# it compares:
#   simulated vs simulated  power, rejection per look, mean analysis time and mean
#                           enrolment per look: trialsim run vs getSimulationSurvival,
#                           difference in units of the combined Monte Carlo SE;
#   analytic vs simulated   trialsim's boundary-recursion power and per-look rejection,
#                           and its expected time of the first look, vs rpact's
#                           simulation, in units of rpact's SE;
#   analytic vs analytic    group-sequential power (getPowerSurvival), events for 80%
#                           and 90% power (getSampleSizeSurvival, Schoenfeld and
#                           Freedman, fixed and group-sequential), to 1e-4 relative;
#   boundaries              critical values of every boundary family against
#                           getDesignGroupSequential, to 1e-4.
# rpact enrols patient i at a fixed time (when the expected enrolment reaches i) and
# alternates the arms, so the trialsim designs use `arrivals: deterministic` and
# permuted blocks of 2. Usage: Rscript tools/validate_rpact.R TRIALSIM OUT_DIR

suppressPackageStartupMessages(library(rpact))

args <- commandArgs(trailingOnly = TRUE)
trialsim <- if (length(args) >= 1) args[1] else "build/trialsim"
out_dir <- if (length(args) >= 2) args[2] else "results"
rpact_iterations <- as.integer(Sys.getenv("RPACT_ITERATIONS", "20000"))
trialsim_replicates <- as.integer(Sys.getenv("TRIALSIM_REPLICATES", "100000"))
seed <- 20240101
work <- tempfile("validate_rpact")
dir.create(work)

run_trialsim <- function(yaml, simulate = 0) {
  path <- file.path(work, "design.yaml")
  writeLines(yaml, path)
  arguments <- c("design", path, "--format", "csv")
  if (simulate > 0) arguments <- c(arguments, "--simulate", simulate)
  text <- system2(trialsim, arguments, stdout = TRUE)
  status <- attr(text, "status")
  if (!is.null(status) && status != 0) stop("trialsim failed on:\n", yaml)
  read.csv(text = text, stringsAsFactors = FALSE)
}

figure <- function(table, quantity, look = "", power = NA, column = "analytic") {
  rows <- table[table$quantity == quantity & table$look == look, ]
  if (!is.na(power)) rows <- rows[!is.na(rows$power) & abs(rows$power - power) < 1e-12 & abs(rows$alpha - 0.025) < 1e-12, ]
  stopifnot(nrow(rows) == 1)
  rows[[column]]
}

rows <- list()
add <- function(design, kind, quantity, look, trialsim_value, rpact_value, se = NA, tolerance = NA) {
  difference <- trialsim_value - rpact_value
  # A quantity that does not vary (every trial enrolled everyone by then) must agree exactly.
  if (!is.na(se) && se == 0) {
    se <- NA
    tolerance <- 0
  }
  rows[[length(rows) + 1]] <<- data.frame(
    design = design, comparison = kind, quantity = quantity, look = look,
    trialsim = trialsim_value, rpact = rpact_value, difference = difference,
    combined_se = se, z = if (is.na(se)) NA else difference / se,
    tolerance = tolerance,
    pass = if (is.na(se)) abs(difference) <= tolerance else abs(difference / se) <= 3,
    stringsAsFactors = FALSE)
}

# --- The survival designs ----------------------------------------------------------------
# Each: rpact arguments (group 1 = treatment, group 2 = control) and the same design in YAML.
designs <- list(
  list(name = "exponential, O'Brien-Fleming, 2 looks",
       family = "OF", yaml_boundary = "{family: obrien_fleming}",
       events = c(92, 184), subjects = 360,
       accrual_time = c(0, 400), accrual_intensity = c(0.25, 1),
       survival = list(pi1 = 0.42, pi2 = 0.60, eventTime = 180),
       yaml_arms = "
  - {id: control, survival: {exponential: {event_probability: 0.6, at: 180}}}
  - {id: treatment, survival: {exponential: {event_probability: 0.42, at: 180}}}",
       dropout = NULL),
  list(name = "piecewise exponential, dropout, asOF spending, 3 looks",
       family = "asOF", yaml_boundary = "{family: spending, function: obrien_fleming}",
       events = c(100, 200, 300), subjects = 500,
       accrual_time = c(0, 20), accrual_intensity = 25,
       survival = list(piecewiseSurvivalTime = c(0, 6, 12), lambda2 = c(0.1, 0.05, 0.03), hazardRatio = 0.7),
       yaml_arms = "
  - {id: control, survival: {piecewise_exponential: {breaks: [0, 6, 12], hazards: [0.1, 0.05, 0.03]}}}
  - {id: treatment, survival: {relative_to_control: {hazard_ratio: 0.7}}}",
       dropout = list(rate1 = 0.05, rate2 = 0.05, time = 12)),
  list(name = "exponential by medians, unequal dropout, Pocock, 3 looks",
       family = "P", yaml_boundary = "{family: pocock}",
       events = c(100, 200, 280), subjects = 400,
       accrual_time = c(0, 6), accrual_intensity = c(10, 30),
       survival = list(median1 = 15, median2 = 10),
       yaml_arms = "
  - {id: control, survival: {exponential: {median: 10}}}
  - {id: treatment, survival: {exponential: {median: 15}}}",
       dropout = list(rate1 = 0.1, rate2 = 0.05, time = 12)),
  list(name = "Weibull shape 1.5, Kim-DeMets power 3, 2 looks",
       family = "asKD", gamma = 3, yaml_boundary = "{family: spending, function: power, parameter: 3}",
       events = c(120, 240), subjects = 320,
       accrual_time = c(0, 16), accrual_intensity = 20,
       survival = list(lambda2 = 1 / 12, hazardRatio = 0.65, kappa = 1.5),
       yaml_arms = "
  - {id: control, survival: {weibull: {shape: 1.5, scale: 12}}}
  - {id: treatment, survival: {relative_to_control: {hazard_ratio: 0.65}}}",
       dropout = NULL),
  list(name = "no effect (type I error), Hwang-Shih-DeCani -2, 3 looks",
       family = "asHSD", gamma = -2, yaml_boundary = "{family: spending, function: hsd, parameter: -2}",
       events = c(80, 160, 240), subjects = 300,
       accrual_time = c(0, 15), accrual_intensity = 20,
       survival = list(lambda2 = 0.05, lambda1 = 0.05),
       yaml_arms = "
  - {id: control, survival: {exponential: {hazard: 0.05}}}
  - {id: treatment, survival: {exponential: {hazard: 0.05}}}",
       dropout = NULL)
)

rpact_design <- function(family, t, gamma = NA, sided = 1, alpha = 0.025, parameter = NA, beta = 0.2) {
  arguments <- list(kMax = length(t), alpha = alpha, sided = sided, informationRates = t,
                    typeOfDesign = family, beta = beta)
  if (family %in% c("asHSD", "asKD")) arguments$gammaA <- gamma
  if (family == "WT") arguments$deltaWT <- parameter
  if (family == "HP") arguments$constantBoundsHP <- parameter
  if (length(t) == 1) arguments$typeOfDesign <- NULL
  do.call(getDesignGroupSequential, arguments)
}

design_yaml <- function(d) {
  rates <- paste(sprintf("{from: %s, rate: %s}", d$accrual_time[seq_along(d$accrual_intensity)],
                         d$accrual_intensity), collapse = ", ")
  looks <- paste(sprintf("  - {name: look%d, when: {events: %d}}", seq_along(d$events), d$events), collapse = "\n")
  dropout <- if (is.null(d$dropout)) "" else sprintf(
    "dropout:\n  control: {exponential: {event_probability: %s, at: %s}}\n  treatment: {exponential: {event_probability: %s, at: %s}}\n",
    d$dropout$rate2, d$dropout$time, d$dropout$rate1, d$dropout$time)
  paste0("name: ", d$name, "\narms:", d$yaml_arms, "\nallocation: {block_size: 2}\n",
         "enrollment: {sample_size: ", d$subjects, ", arrivals: deterministic, rates: [", rates, "]}\n",
         dropout, "analyses:\n", looks, "\n",
         "test: {statistic: logrank, sides: 1, alpha: 0.025, boundary: ", d$yaml_boundary, "}\n",
         "simulation: {replicates: 1000, seed: ", seed, "}\n")
}

# Per-stage mean and its SE of one column of rpact's per-iteration data.
stage_mean <- function(data, column, stage) {
  x <- data[data$stageNumber == stage, column]
  c(mean = mean(x), se = sd(x) / sqrt(length(x)))
}

for (d in designs) {
  cat("design:", d$name, "\n")
  t <- d$events / max(d$events)
  gs <- rpact_design(d$family, t, d$gamma)
  common <- c(list(design = gs, accrualTime = d$accrual_time, accrualIntensity = d$accrual_intensity,
                   maxNumberOfSubjects = d$subjects, directionUpper = FALSE), d$survival)
  if (!is.null(d$dropout)) {
    common <- c(common, list(dropoutRate1 = d$dropout$rate1, dropoutRate2 = d$dropout$rate2,
                             dropoutTime = d$dropout$time))
  }
  simulation <- do.call(getSimulationSurvival, c(common, list(
    plannedEvents = d$events, maxNumberOfIterations = rpact_iterations, seed = seed,
    longTimeSimulationAllowed = TRUE)))
  data <- getData(simulation)
  ours <- run_trialsim(design_yaml(d), trialsim_replicates)
  n <- rpact_iterations
  k_max <- length(d$events)

  # Simulated vs simulated.
  rpact_power <- simulation$overallReject
  rpact_power_se <- sqrt(rpact_power * (1 - rpact_power) / n)
  add(d$name, "simulated vs simulated", "power", "", figure(ours, "power", column = "simulated"), rpact_power,
      sqrt(figure(ours, "power", column = "simulated_se")^2 + rpact_power_se^2))
  for (k in seq_len(k_max)) {
    look <- sprintf("look%d", k)
    p <- simulation$rejectPerStage[k]
    p_se <- sqrt(p * (1 - p) / n)
    add(d$name, "simulated vs simulated", "reject", look, figure(ours, "reject", look, column = "simulated"), p,
        sqrt(figure(ours, "reject", look, column = "simulated_se")^2 + p_se^2))
    time <- stage_mean(data, "analysisTime", k)
    add(d$name, "simulated vs simulated", "time", look, figure(ours, "time", look, column = "simulated"), time[["mean"]],
        sqrt(figure(ours, "time", look, column = "simulated_se")^2 + time[["se"]]^2))
    enrolled <- stage_mean(data, "numberOfSubjects", k)
    add(d$name, "simulated vs simulated", "enrolled", look, figure(ours, "enrolled", look, column = "simulated"),
        enrolled[["mean"]], sqrt(figure(ours, "enrolled", look, column = "simulated_se")^2 + enrolled[["se"]]^2))
    # Analytic (trialsim) vs simulated (rpact).
    add(d$name, "analytic vs simulated", "reject", look, figure(ours, "reject", look), p, p_se)
  }
  add(d$name, "analytic vs simulated", "power", "", figure(ours, "power"), rpact_power, rpact_power_se)
  first <- stage_mean(data, "analysisTime", 1)
  add(d$name, "analytic vs simulated", "time", "look1", figure(ours, "time", "look1"), first[["mean"]], first[["se"]])

  # Analytic vs analytic: power with events at the looks, and events for 80% / 90% power.
  power <- do.call(getPowerSurvival, c(common, list(maxNumberOfEvents = max(d$events))))
  add(d$name, "analytic vs analytic", "power", "", figure(ours, "power"), power$overallReject, tolerance = 1e-4)
  hazard_ratio <- figure(ours, "hazard_ratio")
  if (hazard_ratio != 1) {
    fixed <- rpact_design("OF", 1)
    for (target in c(0.8, 0.9)) {
      size <- function(design, computation) {
        getSampleSizeSurvival(design = design, hazardRatio = hazard_ratio, lambda2 = 0.1, accrualTime = c(0, 12),
                              followUpTime = 12, typeOfComputation = computation)$maxNumberOfEvents
      }
      label <- sprintf("power %.1f", target)
      fixed_design <- getDesignGroupSequential(kMax = 1, alpha = 0.025, sided = 1, beta = 1 - target)
      sequential_design <- rpact_design(d$family, t, d$gamma, beta = 1 - target)
      schoenfeld <- figure(ours, "events_schoenfeld", power = target)
      add(d$name, "analytic vs analytic", "events Schoenfeld", label, schoenfeld, size(fixed_design, "Schoenfeld"),
          tolerance = 1e-4 * schoenfeld)
      freedman <- figure(ours, "events_freedman", power = target)
      add(d$name, "analytic vs analytic", "events Freedman", label, freedman, size(fixed_design, "Freedman"),
          tolerance = 1e-4 * freedman)
      sequential <- figure(ours, "events_group_sequential", power = target)
      add(d$name, "analytic vs analytic", "events group-sequential", label, sequential,
          size(sequential_design, "Schoenfeld"), tolerance = 1e-4 * sequential)
    }
  }
}

# --- Boundaries of every family -------------------------------------------------------------
families <- list(
  list(rpact = "OF", yaml = "{family: obrien_fleming}"),
  list(rpact = "P", yaml = "{family: pocock}"),
  list(rpact = "WT", parameter = 0.25, yaml = "{family: wang_tsiatis, parameter: 0.25}"),
  list(rpact = "HP", parameter = 3, yaml = "{family: haybittle_peto, interim_z: 3}"),
  list(rpact = "asOF", yaml = "{family: spending, function: obrien_fleming}"),
  list(rpact = "asP", yaml = "{family: spending, function: pocock}"),
  list(rpact = "asHSD", gamma = -4, yaml = "{family: spending, function: hsd, parameter: -4}"),
  list(rpact = "asHSD", gamma = 1, yaml = "{family: spending, function: hsd, parameter: 1}"),
  list(rpact = "asKD", gamma = 2, yaml = "{family: spending, function: power, parameter: 2}"))
for (f in families) {
  for (sided in 1:2) {
    alpha <- if (sided == 1) 0.025 else 0.05
    t <- c(0.3, 0.6, 1)
    reference <- rpact_design(f$rpact, t, if (is.null(f$gamma)) NA else f$gamma, sided, alpha,
                              if (is.null(f$parameter)) NA else f$parameter)
    yaml <- paste0("name: boundaries\narms:\n",
                   "  - {id: control, survival: {exponential: {hazard: 0.1}}}\n",
                   "  - {id: treatment, survival: {relative_to_control: {hazard_ratio: 0.7}}}\n",
                   "enrollment: {sample_size: 400, rates: [{from: 0, rate: 10}]}\nanalyses:\n",
                   "  - {name: look1, when: {events: 60}}\n  - {name: look2, when: {events: 120}}\n",
                   "  - {name: look3, when: {events: 200}}\n",
                   "test: {sides: ", sided, ", alpha: ", alpha, ", boundary: ", f$yaml,
                   ", information_fractions: [0.3, 0.6, 1]}\n")
    ours <- run_trialsim(yaml)
    label <- paste0(f$rpact, if (!is.null(f$gamma)) paste0(" ", f$gamma) else "",
                    if (!is.null(f$parameter)) paste0(" ", f$parameter) else "", ", ", sided, "-sided ", alpha)
    for (k in seq_along(t)) {
      add(label, "boundary", "critical z", sprintf("look%d", k), figure(ours, "boundary_z", sprintf("look%d", k)),
          reference$criticalValues[k], tolerance = 1e-4)
    }
  }
}

table <- do.call(rbind, rows)
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
write.csv(table, file.path(out_dir, "rpact_validation.csv"), row.names = FALSE)

statistical <- table[!is.na(table$z), ]
exact <- table[is.na(table$z), ]
format_number <- function(x, digits = 6) ifelse(is.na(x), "", formatC(x, digits = digits, format = "g"))
lines <- c(
  "# trialsim against rpact",
  "",
  sprintf("Regenerate with `tools/validate_rpact` (R %s, rpact %s; %d rpact iterations and %d trialsim replicates per design).",
          paste(R.version$major, R.version$minor, sep = "."), as.character(packageVersion("rpact")),
          rpact_iterations, trialsim_replicates),
  "",
  sprintf("- %d figures compared, %d failed.", nrow(table), sum(!table$pass)),
  sprintf("- Monte Carlo comparisons: %d, largest |difference| / combined SE = %.2f (pass: at most 3).",
          nrow(statistical), max(abs(statistical$z))),
  sprintf("- Deterministic comparisons: %d, largest |difference| = %.2g (tolerances 1e-4, relative for event counts).",
          nrow(exact), max(abs(exact$difference))),
  "",
  "rpact enrols patient i when the expected enrolment reaches i and alternates the arms; the trialsim designs",
  "therefore use `arrivals: deterministic` and permuted blocks of 2. Analytic figures of trialsim use the",
  "expected events at each look (the event targets) and Schoenfeld's drift, as rpact's getPowerSurvival does.",
  "",
  "| design | comparison | quantity | look | trialsim | rpact | difference | combined SE | z | pass |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", table$design, table$comparison, table$quantity,
          table$look, format_number(table$trialsim), format_number(table$rpact), format_number(table$difference, 3),
          format_number(table$combined_se, 3), ifelse(is.na(table$z), "", sprintf("%.2f", table$z)),
          ifelse(table$pass, "yes", "NO")))
writeLines(lines, file.path(out_dir, "rpact_validation.md"))
cat(lines[5:7], sep = "\n")
if (any(!table$pass)) quit(status = 1)
