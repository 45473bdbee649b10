// Package report is what a run tells its user: the findings as text lines,
// and a JSON summary of the run (articles, pages, per-stage findings,
// failures and durations) for scripts and CI.
//
// It formats and writes; it never decides what is an error.
package report
