// enrollment: the sample size and the arrival rate, given per period or as
// recruiting site groups whose rates are summed into one piecewise-constant rate.

#include <algorithm>

#include "design_parts.hpp"
#include "trialsim/model.hpp"

namespace trialsim::config {

namespace {

// Far beyond any trial; keeps patient indices well inside an int.
constexpr std::int64_t MAX_SAMPLE_SIZE = 100'000'000;

// Latest time by which the expected arrivals must reach the sample size, in time
// units: beyond any trial (2,700 years in days), so a slower rate is a rate in the
// wrong unit; and it keeps entry times resolved to about 1e-10 time units. Without
// a limit, rates such as 1e-20 put entry times near 1e22, where a double's step
// exceeds any follow-up and adding the follow-up to the entry rounds it away.
constexpr double MAX_ENROLMENT_TIME = 1e6;

int read_sample_size(const Field& field) {
  const std::int64_t size = field.positive_integer();
  if (size < 2) field.fail("must be at least 2 (one patient per arm), got " + field.shown());
  if (size > MAX_SAMPLE_SIZE)
    field.fail("must be at most " + std::to_string(MAX_SAMPLE_SIZE) + ", got " + field.shown());
  return static_cast<int>(size);
}

std::vector<RatePeriod> read_rates(const Field& field) {
  const std::vector<Field> items = field.items();
  if (items.empty()) field.fail("must list at least one period, as {from: 0, rate: R}");
  std::vector<RatePeriod> periods;
  for (const Field& item : items) {
    item.expect_keys({"from", "rate"});
    const Field from = item.required("from");
    RatePeriod period{from.non_negative(), item.required("rate").non_negative()};
    if (periods.empty() && period.from != 0.0) from.fail("the first period must start at 0, got " + from.shown());
    if (!periods.empty() && !(period.from > periods.back().from)) {
      from.fail("periods must start in increasing order, got " + from.shown() + " after " +
                format_number(periods.back().from));
    }
    periods.push_back(period);
  }
  if (periods.back().rate <= 0.0) {
    items.back().child("rate").fail("the last period's rate must be positive, or enrolment never completes");
  }
  return periods;
}

Site read_site(const Field& item) {
  item.expect_keys({"name", "from", "to", "rate"});
  Site site;
  site.name = item.required("name").text();
  if (site.name.empty()) item.child("name").fail("must not be empty");
  if (item.has("from")) site.from = item.child("from").non_negative();
  const Field to = item.child("to");
  if (to.present()) {
    site.to = to.number();
    if (!(site.to > site.from)) {
      to.fail("must be after the site's start (" + format_number(site.from) + "), got " + to.shown());
    }
  }
  site.rate = item.required("rate").positive();
  return site;
}

// The summed rate: constant between consecutive site starts and ends.
std::vector<RatePeriod> summed_rate(const std::vector<Site>& sites) {
  std::vector<double> starts{0.0};
  for (const Site& site : sites) {
    starts.push_back(site.from);
    if (site.to < INFINITE_TIME) starts.push_back(site.to);
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  std::vector<RatePeriod> periods;
  for (double start : starts) {
    double rate = 0.0;
    for (const Site& site : sites) {
      if (site.from <= start && start < site.to) rate += site.rate;
    }
    if (periods.empty() || periods.back().rate != rate) periods.push_back({start, rate});
  }
  return periods;
}

std::vector<Site> read_sites(const Field& field) {
  const std::vector<Field> items = field.items();
  if (items.empty()) field.fail("must list at least one site, as {name: N, from: T, rate: R}");
  std::vector<Site> sites;
  for (const Field& item : items) {
    Site site = read_site(item);
    for (const Site& earlier : sites) {
      if (earlier.name == site.name) item.child("name").fail("duplicate site name '" + site.name + "'");
    }
    sites.push_back(std::move(site));
  }
  return sites;
}

void check_enrolment_time(const Field& arrivals, const std::vector<RatePeriod>& periods, int sample_size) {
  const double time = ArrivalProcess(periods).time_of_cumulative(static_cast<double>(sample_size));
  if (!(time <= MAX_ENROLMENT_TIME)) {
    arrivals.fail("at these rates the expected arrivals reach " + std::to_string(sample_size) +
                  " patients only at time " + format_number(time) + "; they must by time " +
                  std::to_string(static_cast<std::int64_t>(MAX_ENROLMENT_TIME)) +
                  " (rates are arrivals per time unit)");
  }
}

// Rates or sites from a mapping that holds one of them (the enrollment block or a named timeline).
Timeline read_arrivals(const Field& field, const std::string& name, int sample_size) {
  Timeline timeline{name, {}, {}};
  const Field rates = field.child("rates");
  const Field sites = field.child("sites");
  if (rates.present() && sites.present()) sites.fail("give either rates or sites, not both");
  if (rates.present()) {
    timeline.periods = read_rates(rates);
    check_enrolment_time(rates, timeline.periods, sample_size);
    return timeline;
  }
  if (!sites.present()) rates.fail("is required (or give sites)");
  timeline.sites = read_sites(sites);
  timeline.periods = summed_rate(timeline.sites);
  if (timeline.periods.back().rate <= 0.0) {
    sites.fail("no site recruits after time " + format_number(timeline.periods.back().from) +
               ", so enrolment might never complete; leave out `to` for at least one site");
  }
  check_enrolment_time(sites, timeline.periods, sample_size);
  return timeline;
}

// Named timelines: `timelines: {name: {sites: [...]}, ...}` and `timeline: name` (default: the first).
void read_timelines(const Field& field, Enrollment& enrollment) {
  const Field timelines = field.child("timelines");
  for (const char* direct : {"rates", "sites"}) {
    if (field.has(direct)) field.child(direct).fail("give either rates, sites or timelines, not several");
  }
  const auto entries = timelines.entries();
  if (entries.empty()) timelines.fail("must name at least one timeline, as {name: {sites: [...]}}");
  std::vector<std::string> names;
  for (const auto& [name, body] : entries) {
    body.expect_keys({"rates", "sites"});
    enrollment.timelines.push_back(read_arrivals(body, name.node().Scalar(), enrollment.sample_size));
    names.push_back(enrollment.timelines.back().name);
  }
  const Field chosen = field.child("timeline");
  enrollment.timeline = chosen.present() ? chosen.text() : names.front();
  const auto found = std::find(names.begin(), names.end(), enrollment.timeline);
  if (found == names.end()) chosen.fail("unknown timeline '" + enrollment.timeline + "'; defined: " + joined(names));
  const Timeline& timeline = enrollment.timelines[static_cast<std::size_t>(found - names.begin())];
  enrollment.periods = timeline.periods;
  enrollment.sites = timeline.sites;
}

}  // namespace

Enrollment read_enrollment(const Field& field) {
  field.expect_keys({"sample_size", "rates", "sites", "arrivals", "timeline", "timelines"});
  Enrollment enrollment;
  enrollment.sample_size = read_sample_size(field.required("sample_size"));
  if (field.has("arrivals") && field.child("arrivals").choice({"poisson", "deterministic"}) == "deterministic") {
    enrollment.arrivals = Enrollment::Arrivals::deterministic;
  }
  if (field.has("timelines")) {
    read_timelines(field, enrollment);
    return enrollment;
  }
  if (field.has("timeline")) field.child("timeline").fail("names one of `timelines`, which is not given");
  Timeline arrivals = read_arrivals(field, "", enrollment.sample_size);
  enrollment.periods = std::move(arrivals.periods);
  enrollment.sites = std::move(arrivals.sites);
  return enrollment;
}

}  // namespace trialsim::config
