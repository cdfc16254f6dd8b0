package main

import "flag"

var updateGolden = flag.Bool("update", false, "rewrite golden files (review the diff before committing)")
