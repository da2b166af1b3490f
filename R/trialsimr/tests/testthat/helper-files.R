# Results files written once by the trialsim binary (TRIALSIM_BINARY, built by the
# repository's CMake build; tests/CMakeLists.txt sets it and TRIALSIM_SOURCE_DIR).
binary <- Sys.getenv("TRIALSIM_BINARY")
source_dir <- Sys.getenv("TRIALSIM_SOURCE_DIR")
work <- Sys.getenv("TRIALSIM_WORK", unset = tempfile("trialsimr-"))
dir.create(work, showWarnings = FALSE, recursive = TRUE)
REPLICATES <- 3000L
KEPT <- 4L

skip_without_trialsim <- function() {
  if (!nzchar(binary) || !file.exists(binary)) skip("TRIALSIM_BINARY not set")
}

run_binary <- function(...) {
  status <- system2(binary, c(..., "--quiet"), stdout = FALSE, stderr = FALSE)
  stopifnot(status == 0)
}

config <- function(name) file.path(source_dir, "configs", name)

single_run <- local({
  path <- NULL
  function() {
    if (is.null(path)) {
      path <<- file.path(work, "danger_shock.h5")
      run_binary("run", config("danger_shock.yaml"), "--replicates", REPLICATES, "--keep-patients", KEPT,
                 "--threads", 2, "-o", path)
    }
    path
  }
})

sweep_run <- local({
  path <- NULL
  function() {
    if (is.null(path)) {
      path <<- file.path(work, "sweep.h5")
      run_binary("run", config("danger_shock_sweep.yaml"), "--replicates", 400, "--threads", 2,
                 "--set", shQuote("sweep.enrollment.sample_size=[300, 360]"), "-o", path)
    }
    path
  }
})

# One value of a dataset as h5dump (the HDF5 tools' own reader) prints it.
h5dump_cell <- function(path, dataset, index) {
  selection <- sprintf("%s[%s;;%s;]", dataset, paste(index, collapse = ","), paste(rep(1, length(index)), collapse = ","))
  text <- paste(system2("h5dump", c("-m", shQuote("%.17g"), "-d", shQuote(selection), "-y", "-w", "0", shQuote(path)), stdout = TRUE),
                collapse = "\n")
  # The first DATA block is the dataset's (the attributes' follow).
  data <- sub("(?s)^.*?DATA \\{\\s*([^,}\\s]+).*$", "\\1", text, perl = TRUE)
  data <- gsub('"', "", data)
  if (tolower(sub("^-", "", data)) == "nan") NaN else as.numeric(data)
}

# Runs an R script in `folder` with PATH set, in a fresh R (the library paths of this one).
run_script_in <- function(folder, script, path) {
  libraries <- paste(.libPaths(), collapse = .Platform$path.sep)
  old <- setwd(folder)
  on.exit(setwd(old))
  suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), shQuote(script), stdout = TRUE, stderr = TRUE,
                           env = c(paste0("PATH=", shQuote(path)), paste0("R_LIBS=", shQuote(libraries)))))
}
