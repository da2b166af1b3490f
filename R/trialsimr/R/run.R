#' Runs `trialsim run DESIGN` and reads its results file.
#'
#' `set`: overrides as with --set, a named list or vector (list(enrollment.sample_size = 300))
#' or "path=value" strings. `output`: the results file (default: in a new temporary folder).
#' `binary`: the trialsim executable (default: the TRIALSIM_BINARY environment variable,
#' else trialsim on the PATH). Returns a list with file, attributes, summary
#' (read_summary), replicates (read_replicates) and, for a sweep, scenarios
#' (read_scenarios); stops with trialsim's message when the run fails.
run_trialsim <- function(design, output = NULL, replicates = NULL, seed = NULL, threads = NULL,
                         keep_patients = NULL, set = NULL, binary = NULL) {
  binary <- find_trialsim(binary)
  if (is.null(output)) output <- file.path(tempfile("trialsim-"), "results.h5")
  dir.create(dirname(output), showWarnings = FALSE, recursive = TRUE)
  arguments <- c("run", shQuote(design), "-o", shQuote(output), "--quiet")
  options <- list("--replicates" = replicates, "--seed" = seed, "--threads" = threads,
                  "--keep-patients" = keep_patients)
  for (option in names(options)) {
    if (!is.null(options[[option]])) arguments <- c(arguments, option, format(options[[option]], scientific = FALSE))
  }
  assignments <- if (is.null(names(set))) as.character(set) else paste0(names(set), "=", unlist(set))
  for (assignment in assignments) arguments <- c(arguments, "--set", shQuote(assignment))
  messages <- tempfile()
  on.exit(unlink(messages))
  status <- system2(binary, arguments, stdout = FALSE, stderr = messages)
  if (status != 0) {
    stop("trialsim failed (exit code ", status, "): ", paste(readLines(messages), collapse = "\n"), call. = FALSE)
  }
  results <- list(file = output, attributes = read_attributes(output), summary = read_summary(output),
                  replicates = read_replicates(output))
  if (!is.null(results$attributes$scenarios)) results$scenarios <- read_scenarios(output)
  results
}

find_trialsim <- function(binary) {
  if (is.null(binary)) binary <- Sys.getenv("TRIALSIM_BINARY", unset = "")
  if (!nzchar(binary)) binary <- Sys.which("trialsim")
  if (!nzchar(binary)) {
    stop("trialsim not found: pass binary =, set TRIALSIM_BINARY or put trialsim on the PATH", call. = FALSE)
  }
  unname(binary)
}
