# Build a COINr index the way the COINr workload does (benchmarks/coinr.py): min-max onto
# [0, 100] and the weighted arithmetic mean, every other step off. After one warm-up, times
# the scoring (Normalise + Aggregate) and the whole build (new_coin too); writes the
# aggregated data set.
#
# Rscript coinr_score.R iData.csv iMeta.csv out.csv repeats
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(COINr))
iData <- read.csv(args[1], check.names = FALSE, stringsAsFactors = FALSE)
iMeta <- read.csv(args[2], check.names = FALSE, stringsAsFactors = FALSE, na.strings = c("", "NA"))
repeats <- as.integer(args[4])

score <- function(coin) {
  coin <- Normalise(coin, dset = "Raw",
                    global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
  Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
}

coin <- score(new_coin(iData, iMeta, quietly = TRUE))
builds <- numeric(repeats)
scores <- numeric(repeats)
for (i in seq_len(repeats)) {
  start <- proc.time()[["elapsed"]]
  coin <- new_coin(iData, iMeta, quietly = TRUE)
  built <- proc.time()[["elapsed"]]
  coin <- score(coin)
  scores[i] <- proc.time()[["elapsed"]] - built
  builds[i] <- proc.time()[["elapsed"]] - start
}
aggregated <- coin$Data$Aggregated
aggregated[] <- lapply(aggregated, function(x) if (is.numeric(x)) sprintf("%.17g", x) else x)
write.csv(aggregated, args[3], row.names = FALSE)
cat("COINR-RESULT", as.character(packageVersion("COINr")), paste(scores, collapse = ","),
    paste(builds, collapse = ","), "\n")
