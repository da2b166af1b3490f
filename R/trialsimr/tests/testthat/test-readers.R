# Known answers: the summary's power is by definition the share of replicates with
# decision 1 (efficacy) at some look, so it equals the mean of the decision column exactly;
# the mean events of a look over the trials that performed it equals the summary's
# (Welford) mean to 1e-9 relative (rounding only). Cell values are checked against h5dump.

test_that("read_replicates gives one row per replicate and look, not transposed", {
  skip_without_trialsim()
  path <- single_run()
  replicates <- read_replicates(path)
  expect_equal(nrow(replicates), 2 * REPLICATES)
  expect_equal(names(replicates)[1:4], c("replicate", "look", "look_name", "performed"))
  expect_equal(replicates$replicate, rep(0:(REPLICATES - 1L), each = 2))
  expect_equal(as.character(replicates$look_name[1:2]), c("interim", "final"))

  # hdf5r shows the [replicate, look] dataset as [look, replicate]: the reader undoes it.
  file <- hdf5r::H5File$new(path, "r")
  raw_z <- file[["replicates/z"]]$read()
  file$close_all()
  expect_equal(dim(raw_z), c(2L, REPLICATES))
  expect_identical(matrix(replicates$z, ncol = 2, byrow = TRUE), t(raw_z))

  stopped <- replicates$replicate[replicates$look == 0 & replicates$decision == 1][1]
  cells <- list(c(REPLICATES - 1L, 1L), c(0L, 0L), c(stopped, 0L), c(stopped, 1L), c(1234L, 1L))
  for (column in c("z", "hr", "events", "events_control", "time", "enrolled", "decision", "performed")) {
    for (cell in cells) {
      expected <- h5dump_cell(path, paste0("/replicates/", column), cell)
      found <- as.numeric(replicates[[column]][replicates$replicate == cell[1] & replicates$look == cell[2]])
      if (is.nan(expected)) {
        expect_true(is.na(found), label = sprintf("%s[%d,%d]", column, cell[1], cell[2]))
      } else {
        expect_equal(found, expected, tolerance = 1e-6, label = sprintf("%s[%d,%d]", column, cell[1], cell[2]))
      }
    }
  }
})

test_that("looks not performed measure nothing, so a naive mean is right", {
  skip_without_trialsim()
  path <- single_run()
  replicates <- read_replicates(path)
  summary <- read_summary(path)
  expect_identical(replicates$performed, replicates$decision != -1L)
  skipped <- replicates[!replicates$performed, ]
  expect_gt(nrow(skipped), 0)
  for (column in c("z", "hr", "events", "events_control", "events_treatment", "time", "enrolled", "trigger_reached")) {
    expect_true(all(is.na(skipped[[column]])), label = column)
  }
  final <- replicates[replicates$look_name == "final", ]
  expect_equal(mean(final$events, na.rm = TRUE), summary$events_mean[2], tolerance = 1e-9)
  expect_equal(sum(!is.na(final$events)), summary$events_count[2])
  performed_final <- read_replicates(path, performed_only = TRUE)
  expect_equal(nrow(performed_final), sum(replicates$performed))
  expect_equal(mean(performed_final$events[performed_final$look == 1]), summary$events_mean[2], tolerance = 1e-9)
})

test_that("the summary's power is the mean of the decision column", {
  skip_without_trialsim()
  path <- single_run()
  replicates <- read_replicates(path)
  summary <- read_summary(path)
  efficacy <- tapply(replicates$decision == 1L, replicates$replicate, any)
  expect_identical(summary$power[1], mean(efficacy))
  for (k in 0:1) {
    look <- replicates[replicates$look == k, ]
    expect_identical(summary$reject_probability[k + 1], mean(look$decision == 1L))
    expect_identical(summary$performed_probability[k + 1], mean(look$performed))
  }
  expect_true(all(c("events_q05", "events_q50", "events_q95", "time_q50", "hr_q25") %in% names(summary)))
})

test_that("attributes: the seed as text and the start date", {
  skip_without_trialsim()
  attributes <- read_attributes(single_run())
  expect_identical(attributes$seed_text, "20130127")
  expect_identical(attributes$start_date, "2013-01-27")
  expect_identical(attributes$time_unit, "day")
  expect_true(nzchar(attributes$description))
})

test_that("read_patients gives one row per patient and look, ready for Surv", {
  skip_without_trialsim()
  path <- single_run()
  patients <- read_patients(path)
  replicates <- read_replicates(path)
  expect_equal(sort(unique(patients$replicate)), 0:(KEPT - 1L))
  expect_equal(nrow(patients), KEPT * 360 * 2)
  for (r in 0:(KEPT - 1L)) {
    stop_look <- replicates$stop_look[replicates$replicate == r][1]
    rows <- patients[patients$replicate == r & patients$look == stop_look & patients$analysed == 1, ]
    expect_equal(sum(rows$status), replicates$events[replicates$replicate == r & replicates$look == stop_look])
  }
  expect_equal(h5dump_cell(path, "/patients/time", c(5L, 1L)), patients$time[patients$replicate == 0 &
                                                                              patients$patient == 5 &
                                                                              patients$look == 1])
})

test_that("read_scenarios gives one row per scenario and look", {
  skip_without_trialsim()
  path <- sweep_run()
  scenarios <- read_scenarios(path)
  expect_equal(nrow(scenarios), 22 * 2)
  expect_equal(names(scenarios)[1:5], c("scenario", "look", "look_name", "enrollment.sample_size",
                                        "arms[1].survival.exponential.event_probability"))
  for (k in c(0L, 7L, 21L)) {
    rows <- scenarios[scenarios$scenario == k, ]
    summary <- read_summary(path, scenario = k)
    replicates <- read_replicates(path, scenario = k)
    expect_identical(rows$power[1], mean(tapply(replicates$decision == 1L, replicates$replicate, any)))
    expect_identical(rows$stop_probability, summary$stop_probability)
    expect_equal(rows$expected_events[2], mean(replicates$events[replicates$look == 1], na.rm = TRUE),
                 tolerance = 1e-9)
  }
  all_scenarios <- read_summary(path)
  expect_equal(unique(all_scenarios$scenario), 0:21)
  # The stored table itself is what R expects of a table: equal-length columns.
  file <- hdf5r::H5File$new(path, "r")
  table <- as.data.frame(lapply(stats::setNames(nm = file[["scenarios/table"]]$ls()$name),
                                function(name) file[["scenarios/table"]][[name]]$read()), check.names = FALSE)
  looks <- as.data.frame(lapply(stats::setNames(nm = file[["scenarios/look_table"]]$ls()$name),
                                function(name) file[["scenarios/look_table"]][[name]]$read()))
  file$close_all()
  expect_equal(nrow(table), 22)
  expect_equal(nrow(looks), 44)
})

test_that("rhdf5's h5read reads the scenario tables as the README says, and /replicates transposed", {
  skip_without_trialsim()
  skip_if_not_installed("rhdf5")
  path <- sweep_run()
  # The README's line: one row per scenario, and one per scenario and look.
  table <- as.data.frame(rhdf5::h5read(path, "scenarios/table"), check.names = FALSE)
  looks <- as.data.frame(rhdf5::h5read(path, "scenarios/look_table"))
  expect_equal(dim(table)[1], 22)
  expect_equal(nrow(looks), 44)
  expect_identical(table$power, read_scenarios(path)$power[seq(1, 43, by = 2)])
  # rhdf5 shows the [replicate, look] dataset as [look, replicate], as the README warns.
  z <- rhdf5::h5read(path, "scenarios/0/replicates/z")
  expect_equal(dim(z), c(2L, 400L))
  expect_identical(as.vector(z), read_replicates(path, scenario = 0)$z)
  rhdf5::h5closeAll()
})

test_that("run_trialsim runs the binary and returns its results", {
  skip_without_trialsim()
  results <- run_trialsim(config("danger_shock.yaml"), output = file.path(work, "run.h5"), replicates = 500,
                          seed = 7, set = list(enrollment.sample_size = 300), binary = binary)
  expect_identical(results$attributes$seed_text, "7")
  expect_equal(nrow(results$replicates), 1000)
  expect_match(results$attributes$config_yaml, "sample_size: 300")
  expect_error(run_trialsim(config("danger_shock.yaml"), output = file.path(work, "bad.h5"), replicates = 10,
                            set = "enrollment.sample_sise=300", binary = binary),
               "exit code 2.*enrollment\\.sample_sise")
})

test_that("a foreign file is refused", {
  foreign <- file.path(work, "foreign.h5")
  file <- hdf5r::H5File$new(foreign, "w")
  file[["x"]] <- 1:3
  file$close_all()
  expect_error(read_summary(foreign), "not a trialsim results file")
  expect_error(read_summary(file.path(work, "missing.h5")), "no such file")
})

test_that("the README's R example runs verbatim", {
  skip_without_trialsim()
  readme <- paste(readLines(file.path(source_dir, "README.md"), encoding = "UTF-8"), collapse = "\n")
  pattern <- "<!-- tested by R/trialsimr/tests/testthat/test-readers.R -->\n```r\n(.*?)```"
  match <- regmatches(readme, regexec(pattern, readme))[[1]]
  expect_length(match, 2)
  folder <- file.path(work, "readme_r")
  dir.create(folder, showWarnings = FALSE)
  if (!file.exists(file.path(folder, "configs"))) file.symlink(file.path(source_dir, "configs"), file.path(folder, "configs"))
  script <- file.path(folder, "example.R")
  writeLines(match[2], script)
  path <- paste(dirname(binary), Sys.getenv("PATH"), sep = .Platform$path.sep)
  output <- run_script_in(folder, script, path)
  expect_equal(attr(output, "status"), NULL, info = paste(output, collapse = "\n"))
  expect_true(any(grepl("final", output)))
})
