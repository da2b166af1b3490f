# Readers of trialsim results files (layout: the repository's README, "Output file").
#
# HDF5 stores arrays row-major and R column-major, so hdf5r (like rhdf5) presents a
# [replicate, look] dataset as a [look, replicate] matrix. as.vector() of that matrix
# runs over the looks of replicate 0, then those of replicate 1, ...: exactly the
# rows of the long tables below, which therefore need no transposition.

FILETYPE <- "trialsim results"
FORMAT_VERSION <- 2L
# Every dataset of /summary and /replicates is read by its shape, so that a figure or a
# column added to the file needs no change here.
PATIENT_COLUMNS <- c("entry", "arm", "received", "stratum", "analysed", "follow_up", "event")

open_results <- function(file) {
  if (!file.exists(file)) stop(file, ": no such file", call. = FALSE)
  h5 <- tryCatch(hdf5r::H5File$new(file, mode = "r"),
                 error = function(e) stop(file, ": cannot read as HDF5: ", conditionMessage(e), call. = FALSE))
  filetype <- if (h5$attr_exists("filetype")) hdf5r::h5attr(h5, "filetype") else ""
  if (!identical(filetype, FILETYPE)) {
    h5$close_all()
    stop(file, ": not a trialsim results file", call. = FALSE)
  }
  version <- hdf5r::h5attr(h5, "format_version")
  if (version != FORMAT_VERSION) {
    h5$close_all()
    stop(file, ": format_version ", version, "; this reader reads ", FORMAT_VERSION, call. = FALSE)
  }
  h5
}

# Runs `action(h5)` on the open file and closes it whatever happens.
with_results <- function(file, action) {
  h5 <- open_results(file)
  on.exit(h5$close_all())
  action(h5)
}

scenario_count <- function(h5) {
  if (h5$attr_exists("scenarios")) as.integer(hdf5r::h5attr(h5, "scenarios")) else 0L
}

# The groups holding the results asked for: list(list(scenario, group), ...).
result_groups <- function(h5, file, scenario) {
  count <- scenario_count(h5)
  if (count == 0L) {
    if (!is.null(scenario)) stop(file, ": scenario ", scenario, " asked of a file without scenarios", call. = FALSE)
    return(list(list(scenario = NULL, group = h5)))
  }
  chosen <- if (is.null(scenario)) seq_len(count) - 1L else as.integer(scenario)
  if (any(chosen < 0L | chosen >= count)) {
    stop(file, ": scenario ", scenario, ": the file has scenarios 0 to ", count - 1L, call. = FALSE)
  }
  lapply(chosen, function(k) list(scenario = k, group = h5[[paste0("scenarios/", k)]]))
}

# One data frame from one per group, with a leading scenario column in a sweep file.
stack_frames <- function(groups, frame_of) {
  frames <- lapply(groups, function(g) {
    frame <- frame_of(g$group)
    if (!is.null(g$scenario)) frame <- cbind(data.frame(scenario = rep(g$scenario, nrow(frame))), frame)
    frame
  })
  result <- do.call(rbind, frames)
  rownames(result) <- NULL
  result
}

read_dataset <- function(group, name) group[[name]]$read()

quantile_names <- function(name, levels) sprintf("%s_q%02d", name, round(levels * 100))

#' The root attributes of a results file (or of scenario k of a sweep file) as a
#' named list. `seed` is also given as text (`seed_text`): R has no unsigned 64-bit
#' integers, so a large seed reads as NA or a rounded double.
read_attributes <- function(file, scenario = NULL) {
  with_results(file, function(h5) {
    object <- if (is.null(scenario)) h5 else result_groups(h5, file, scenario)[[1]]$group
    names <- hdf5r::h5attr_names(object)
    values <- lapply(names, function(name) hdf5r::h5attr(object, name))
    stats::setNames(values, names)
  })
}

# The members of `group` as a data frame of name, kind ("dataset" or "group"), dims (in
# HDF5's order, as h5dump shows them) and whether the dataset holds text.
members <- function(group) {
  listing <- group$ls()
  dims <- lapply(listing$name, function(name) {
    if (listing$obj_type[listing$name == name] != "H5I_DATASET") return(NULL)
    rev(group[[name]]$dims)  # hdf5r reports the reversed (R) order
  })
  text <- vapply(listing$name, function(name) {
    listing$obj_type[listing$name == name] == "H5I_DATASET" &&
      inherits(group[[name]]$get_type(), "H5T_STRING")
  }, logical(1))
  list(name = listing$name, dataset = as.character(listing$obj_type) == "H5I_DATASET", dims = dims, text = text)
}

summary_frame <- function(group) {
  s <- group[["summary"]]
  look_names <- read_dataset(s, "look_names")
  looks <- length(look_names)
  frame <- data.frame(look = seq_len(looks) - 1L, look_name = look_names, stringsAsFactors = FALSE)
  m <- members(s)
  for (i in seq_along(m$name)) {
    if (!m$dataset[i] || m$text[i] || m$name[i] == "quantile_levels") next
    if (length(m$dims[[i]]) == 0L) frame[[m$name[i]]] <- rep(read_dataset(s, m$name[i]), looks)
    if (identical(as.numeric(m$dims[[i]]), as.numeric(looks))) frame[[m$name[i]]] <- as.vector(read_dataset(s, m$name[i]))
  }
  for (name in m$name[!m$dataset]) {
    d <- s[[name]]
    if (!d$exists("quantiles") || !identical(as.numeric(rev(d[["count"]]$dims)), as.numeric(looks))) next
    frame[[paste0(name, "_count")]] <- as.vector(read_dataset(d, "count"))
    frame[[paste0(name, "_mean")]] <- as.vector(read_dataset(d, "mean"))
    frame[[paste0(name, "_sd")]] <- as.vector(read_dataset(d, "sd"))
    levels <- hdf5r::h5attr(d[["quantiles"]], "quantile_levels")
    # [look, level] in the file: [level, look] here.
    quantiles <- matrix(as.vector(read_dataset(d, "quantiles")), nrow = length(levels))
    columns <- quantile_names(name, levels)
    for (j in seq_along(levels)) frame[[columns[j]]] <- quantiles[j, ]
  }
  frame
}

#' Operating characteristics, one row per look (per scenario and look in a sweep
#' file, with a scenario column): look (from 0), look_name, the run's power,
#' power_se, reject_any, reject_any_se (repeated on each look), the per-look
#' probabilities and plan values of /summary, and for events, events_control,
#' events_treatment, enrolled, time and hr their count, mean, sd and quantiles
#' (events_q05 ... events_q95) over the replicates that performed the look.
read_summary <- function(file, scenario = NULL) {
  with_results(file, function(h5) stack_frames(result_groups(h5, file, scenario), summary_frame))
}

replicate_frame <- function(group, performed_only) {
  r <- group[["replicates"]]
  look_names <- read_dataset(group, "summary/look_names")
  looks <- length(look_names)
  stop_look <- as.vector(read_dataset(r, "stop_look"))
  replicates <- length(stop_look)
  frame <- data.frame(replicate = rep(seq_len(replicates) - 1L, each = looks),
                      look = rep(seq_len(looks) - 1L, times = replicates),
                      look_name = factor(rep(look_names, times = replicates), levels = look_names),
                      performed = as.vector(read_dataset(r, "performed")) == 1L)
  m <- members(r)
  for (i in seq_along(m$name)) {
    name <- m$name[i]
    if (name == "performed") next
    values <- as.vector(read_dataset(r, name))
    rank <- length(m$dims[[i]])
    if (rank == 1L) {
      frame[[name]] <- rep(values, each = looks)  # [replicate]: repeated on each look
    } else if (rank == 2L) {
      frame[[name]] <- values  # [replicate, look]
    } else {
      # [replicate, look, compared statistic]: here [compared, look, replicate]; a column per statistic.
      keys <- read_dataset(group, "summary/compare/key")
      values <- array(values, dim = c(length(keys), looks, replicates))
      for (c in seq_along(keys)) frame[[paste0(name, "_", keys[c])]] <- as.vector(values[c, , ])
    }
  }
  if (performed_only) frame <- frame[frame$performed, , drop = FALSE]
  rownames(frame) <- NULL
  frame
}

#' Every simulated trial, one row per replicate and look: replicate and look
#' (from 0), look_name, performed (FALSE for looks the trial never reached: their
#' measurements are NA), z, hr, log_hr_se, events, events_control, events_treatment, time,
#' enrolled, decision (-1 not performed, 0 continue, 1 efficacy, 2 harm,
#' 3 futility, 4 final look without rejection), trigger_reached, stop_look, and
#' with test.compare compare_z_<statistic> and compare_decision_<statistic>.
#' In a sweep file `scenario = k` reads scenario k; NULL reads all of them, with
#' a scenario column. `performed_only = TRUE` keeps the performed looks.
read_replicates <- function(file, scenario = NULL, performed_only = FALSE) {
  with_results(file, function(h5) {
    stack_frames(result_groups(h5, file, scenario), function(g) replicate_frame(g, performed_only))
  })
}

group_columns <- function(group) {
  names <- group$ls()$name
  columns <- lapply(names, function(name) as.vector(read_dataset(group, name)))
  as.data.frame(stats::setNames(columns, names), check.names = FALSE, stringsAsFactors = FALSE)
}

#' The scenario table of a sweep file, one row per scenario and look: scenario,
#' look, look_name, one column per swept path, label, the scenario's power,
#' power_se, power_difference (to scenario 0, paired by replicate) and its SE,
#' reject_any, reject_any_se, expected_events_at_stop, expected_time_at_stop, then
#' the per-look figures of /scenarios/look_table.
read_scenarios <- function(file) {
  with_results(file, function(h5) {
    if (scenario_count(h5) == 0L) stop(file, ": not a sweep file (no /scenarios); use read_summary", call. = FALSE)
    table <- group_columns(h5[["scenarios/table"]])
    looks <- group_columns(h5[["scenarios/look_table"]])
    axes <- read_dataset(h5, "scenarios/axes")
    merged <- merge(looks, table, by = "scenario", sort = FALSE)
    merged <- merged[order(merged$scenario, merged$look), , drop = FALSE]
    front <- c("scenario", "look", "look_name", axes, "label")
    merged <- merged[, c(front, setdiff(names(merged), front)), drop = FALSE]
    rownames(merged) <- NULL
    merged
  })
}

patient_frame <- function(group) {
  p <- group[["patients"]]
  look_names <- read_dataset(group, "summary/look_names")
  looks <- length(look_names)
  replicate <- as.vector(read_dataset(p, "replicate"))
  patients <- length(replicate)
  # Position of each patient within its replicate (stored replicate by replicate).
  within <- stats::ave(seq_len(patients), replicate, FUN = seq_along) - 1L
  frame <- data.frame(replicate = rep(replicate, each = looks), patient = rep(within, each = looks),
                      look = rep(seq_len(looks) - 1L, times = patients),
                      look_name = factor(rep(look_names, times = patients), levels = look_names))
  for (name in PATIENT_COLUMNS) frame[[name]] <- rep(as.vector(read_dataset(p, name)), each = looks)
  frame$time <- as.vector(read_dataset(p, "time"))
  frame$status <- as.vector(read_dataset(p, "status"))
  frame
}

#' Patients kept with --keep-patients, one row per patient and look: replicate,
#' patient (from 0 within its replicate), look, look_name, entry, arm (as assigned,
#' 0 control), received, stratum, analysed, follow_up, event, and time and status
#' as that look analysed them (time NA: not in the look's data), ready for
#' survival::Surv(time, status). NULL when the file keeps no patients.
read_patients <- function(file, scenario = NULL) {
  with_results(file, function(h5) {
    groups <- Filter(function(g) g$group$exists("patients"), result_groups(h5, file, scenario))
    if (length(groups) == 0L) return(NULL)
    stack_frames(groups, patient_frame)
  })
}
