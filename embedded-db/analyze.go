package main

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB's SQLite backend uses
)

// Without statistics SQLite picks among the expression indexes FerretDB creates blindly: for
// {branchId, customerId} it may walk the whole branch instead of one customer's rows. ANALYZE (sampled,
// so it takes milliseconds even on gigabytes) gives the planner row counts per index. It runs once at
// start, before FerretDB opens the files, and PRAGMA optimize refreshes it while the process runs.
const analyzeEvery = 10 * time.Minute

func analyzeAll(ctx context.Context, dir string, logger *slog.Logger, pragma string) {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return
	}

	for _, f := range files {
		started := time.Now()

		db, err := sql.Open("sqlite", "file:"+f+"?_pragma=busy_timeout(5000)")
		if err != nil {
			logger.Warn("analyze: open failed", slog.String("file", filepath.Base(f)), slog.Any("error", err))
			continue
		}

		_, err = db.ExecContext(ctx, "PRAGMA analysis_limit=1000; "+pragma)
		_ = db.Close()

		if err != nil {
			logger.Warn("analyze failed", slog.String("file", filepath.Base(f)), slog.Any("error", err))
			continue
		}

		logger.Debug("analyzed", slog.String("file", filepath.Base(f)), slog.Duration("took", time.Since(started)))
	}
}

// keepAnalyzed refreshes the statistics periodically until ctx is done.
func keepAnalyzed(ctx context.Context, dir string, logger *slog.Logger) {
	t := time.NewTicker(analyzeEvery)
	defer t.Stop()

	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			analyzeAll(ctx, dir, logger, "PRAGMA optimize;")
		}
	}
}
