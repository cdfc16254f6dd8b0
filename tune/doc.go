// Package tune turns findings into a reviewable, reversible plan and applies it.
package tune
