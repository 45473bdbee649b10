// Package cli is the mirror command line: cobra commands that turn flags
// into options, call the packages that do the work, print what they report
// and decide the exit code. No stage logic lives here.
package cli
