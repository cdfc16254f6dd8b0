// Package copy measures the ways to move a file into a socket or pipe:
// read+write, mmap+write, sendfile, splice and tee, each by raw syscalls.
package copy
