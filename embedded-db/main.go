// Command qibao-embedded-db runs FerretDB (SQLite backend) on loopback for Qibao's
// development, demos and tests. It is started by core/db/embedded.ts, never by hand in normal use.
//
// Contract with the parent process:
//   - it prints exactly one JSON line {"event":"ready","uri":"mongodb://127.0.0.1:PORT/"} on stdout
//     once the listener accepts connections;
//   - it exits when stdin reaches EOF (the parent closed it or died, even by SIGKILL), when its
//     parent pid changes (reparented), or on SIGTERM/SIGINT.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dataDir := flag.String("data-dir", "", "directory for the SQLite files (required)")
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on; port 0 picks a free port")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin reaches EOF")
	flag.Parse()

	if err := run(*dataDir, *listen, *logLevel, *watchStdin); err != nil {
		fmt.Fprintf(os.Stderr, "qibao-embedded-db: %v\n", err)
		os.Exit(1)
	}
}

func run(dataDir, listen, logLevel string, watchStdin bool) error {
	if dataDir == "" {
		return fmt.Errorf("-data-dir is required")
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return fmt.Errorf("resolving data dir: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("creating data dir: %w", err)
	}

	// One process per data dir: two FerretDBs on the same SQLite files would corrupt each other's view.
	lock, err := os.OpenFile(filepath.Join(abs, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("opening lock file: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("data dir %s is in use by another Qibao process (stop it first): %w", abs, err)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("bad -log-level %q", logLevel)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	if watchStdin {
		// EOF on stdin means the parent is gone (the kernel closes its end of the pipe on any death).
		go func() {
			_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
			logger.Info("stdin closed, shutting down")
			cancel()
		}()
	}
	// Belt and braces: if we get reparented, the parent died without closing stdin for us.
	go watchParent(ctx, cancel, logger)

	analyzeAll(ctx, abs, logger, "ANALYZE;")
	go keepAnalyzed(ctx, abs, logger)

	// FerretDB listens on an internal loopback port; clients reach it through the write serialiser.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		return fmt.Errorf("starting FerretDB: %w", err)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	// MongoDBURI blocks until FerretDB's TCP listener is bound.
	backend, err := url.Parse(f.MongoDBURI())
	if err != nil {
		return fmt.Errorf("FerretDB URI: %w", err)
	}
	front, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", listen, err)
	}
	defer front.Close()
	go (&serializer{backend: backend.Host, logger: logger}).serve(front)

	line, _ := json.Marshal(map[string]string{"event": "ready", "uri": "mongodb://" + front.Addr().String() + "/"})
	fmt.Println(string(line))

	<-ctx.Done()
	front.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		logger.Warn("FerretDB did not stop within 5s, exiting anyway")
	}
	return nil
}

func watchParent(ctx context.Context, cancel context.CancelFunc, logger *slog.Logger) {
	parent := os.Getppid()
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != parent {
				logger.Info("parent process changed, shutting down")
				cancel()
				return
			}
		}
	}
}
