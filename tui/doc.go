// Package tui is the live terminal dashboard of netvet top (bubbletea).
package tui
