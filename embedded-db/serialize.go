package main

// FerretDB 1.24 applies updates as read-modify-write of whole documents without locking: concurrent
// updates of one document lose each other (a $inc ×20 ends at 8) and two conditional updates from the
// same state both succeed. Qibao's exactly-once machinery (job locks, outbox claims, claim transitions)
// needs MongoDB's per-document atomicity, so this front end serialises write commands across all
// connections before they reach FerretDB. Reads pass through concurrently. It speaks only the framing
// of the MongoDB wire protocol: it never changes a byte, it only decides when a write may go.

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
)

const (
	opMsg          = 2013
	maxMessageSize = 48 * 1000 * 1000 // MongoDB's maxMessageSizeBytes
	flagMoreToCome = 1 << 1
	flagChecksum   = 1 << 0
)

// writeCommands are serialised. DDL is included: FerretDB's SQLite backend creates tables lazily and
// concurrent first inserts/index creations into a new collection race as well.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true,
	"create": true, "createIndexes": true, "drop": true, "dropIndexes": true, "dropDatabase": true,
	"renameCollection": true,
}

type serializer struct {
	backend string
	logger  *slog.Logger
	writeMu sync.Mutex
}

// serve accepts client connections on l and pipes each to the backend until l is closed.
func (s *serializer) serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.logger.Error("accept failed", "error", err)
			}
			return
		}
		go s.handle(c)
	}
}

// conn tracks whether this connection holds the global write lock, and for which request.
type conn struct {
	s       *serializer
	mu      sync.Mutex
	held    bool
	pending int32
}

func (c *conn) acquire(requestID int32) {
	c.s.writeMu.Lock()
	c.mu.Lock()
	c.held, c.pending = true, requestID
	c.mu.Unlock()
}

// release frees the write lock if this connection holds it for responseTo (or unconditionally with force).
func (c *conn) release(responseTo int32, force bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held && (force || responseTo == c.pending) {
		c.held = false
		c.s.writeMu.Unlock()
	}
}

func (s *serializer) handle(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", s.backend)
	if err != nil {
		s.logger.Error("backend dial failed", "error", err)
		return
	}
	defer server.Close()
	c := &conn{s: s}
	defer c.release(0, true)

	done := make(chan struct{}, 2)
	go func() { // server → client: a reply to the pending write releases the lock
		defer func() { done <- struct{}{} }()
		for {
			msg, err := readMessage(server)
			if err != nil {
				return
			}
			if _, err := client.Write(msg); err != nil {
				return
			}
			c.release(int32(binary.LittleEndian.Uint32(msg[8:12])), false)
		}
	}()
	go func() { // client → server: a write command waits for the lock
		defer func() { done <- struct{}{} }()
		for {
			msg, err := readMessage(client)
			if err != nil {
				return
			}
			write, moreToCome := classify(msg)
			if write {
				c.acquire(int32(binary.LittleEndian.Uint32(msg[4:8])))
			}
			if _, err := server.Write(msg); err != nil {
				return
			}
			if write && moreToCome { // unacknowledged write: no reply will come
				c.release(0, true)
			}
		}
	}()
	<-done // either side closing ends the pair
}

// readMessage reads one whole wire-protocol message (header included).
func readMessage(r io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	length := int(binary.LittleEndian.Uint32(header[0:4]))
	if length < 16 || length > maxMessageSize {
		return nil, errors.New("bad message length")
	}
	msg := make([]byte, length)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// classify reports whether msg is an OP_MSG write command, and whether it expects no reply.
func classify(msg []byte) (write bool, moreToCome bool) {
	if int32(binary.LittleEndian.Uint32(msg[12:16])) != opMsg || len(msg) < 21 {
		return false, false
	}
	flags := binary.LittleEndian.Uint32(msg[16:20])
	end := len(msg)
	if flags&flagChecksum != 0 {
		end -= 4
	}
	for i := 20; i < end; {
		kind := msg[i]
		i++
		if i+4 > end {
			return false, false
		}
		size := int(binary.LittleEndian.Uint32(msg[i : i+4]))
		if size < 5 || i+size > end {
			return false, false
		}
		if kind == 0 {
			// BSON document: int32 length, then the first element: type byte, cstring name = the command.
			name := msg[i+5 : i+size]
			for j, b := range name {
				if b == 0 {
					return writeCommands[string(name[:j])], flags&flagMoreToCome != 0
				}
			}
			return false, false
		}
		i += size // kind 1: document sequence, skip
	}
	return false, false
}
