# number(x): each value as the shortest decimal that reads back as the same double
# ("NA", "Inf" and "-Inf" as R writes them), for the reference tables of tests/data.
# Sourced by the scripts of tests/reference, run from the repository root.
number <- function(x) {
  vapply(x, function(v) {
    if (is.na(v)) return("NA")
    if (is.infinite(v)) return(if (v > 0) "Inf" else "-Inf")
    for (digits in 15:17) {
      text <- trimws(formatC(v, digits = digits, format = "g"))
      if (as.numeric(text) == v) return(text)
    }
    text
  }, character(1))
}
