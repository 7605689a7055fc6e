// Qibao addition to FerretDB 1.24's handler (Apache License 2.0, like the rest of FerretDB): the hints
// find and explain pass to the backend, and countDocuments — the pipeline
// [{$match: F}, {$group: {_id: <constant>, n: {$sum: 1}}}] the drivers send — answered by the backend's
// count instead of by returning every matching document (embedded-db/README.md).

package handler

import (
	"strings"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// qibaoCountShape is the output of a counting $group: its constant _id and the count's field name.
type qibaoCountShape struct {
	id    any
	field string
}

// qibaoCountPipeline recognises [{$match: …}, {$group: {_id: <constant>, <field>: {$sum: 1}}}].
func qibaoCountPipeline(stages []any) *qibaoCountShape {
	if len(stages) != 2 {
		return nil
	}

	match, ok := stages[0].(*types.Document)
	if !ok || match.Len() != 1 || !match.Has("$match") {
		return nil
	}

	group, ok := stages[1].(*types.Document)
	if !ok || group.Len() != 1 || !group.Has("$group") {
		return nil
	}

	spec, ok := must.NotFail(group.Get("$group")).(*types.Document)
	if !ok || spec.Len() != 2 || spec.Keys()[0] != "_id" {
		return nil
	}

	id := must.NotFail(spec.Get("_id"))
	switch v := id.(type) {
	case *types.Document, *types.Array:
		return nil
	case string:
		if strings.HasPrefix(v, "$") {
			return nil
		}
	}

	field := spec.Keys()[1]

	sum, ok := must.NotFail(spec.Get(field)).(*types.Document)
	if !ok || sum.Len() != 1 || !sum.Has("$sum") {
		return nil
	}

	switch one := must.NotFail(sum.Get("$sum")).(type) {
	case int32:
		ok = one == 1
	case int64:
		ok = one == 1
	case float64:
		ok = one == 1
	default:
		ok = false
	}

	if !ok {
		return nil
	}

	return &qibaoCountShape{id: id, field: field}
}

// result is what the $group stage would have produced: one document, or none for an empty input.
func (s *qibaoCountShape) result(n int64) types.DocumentsIterator {
	var docs []*types.Document

	if n > 0 {
		var count any = n
		if n <= 1<<31-1 {
			count = int32(n)
		}

		docs = append(docs, must.NotFail(types.NewDocument("_id", s.id, s.field, count)))
	}

	return iterator.Values(iterator.ForSlice(docs))
}

// qibaoHints are the sort and skip+limit hints find (and explain, to show what find does) give the
// backend, which applies them only when it answers the whole filter and the sort; the handler's
// iterators still sort, skip and limit in memory. None when FerretDB already pushes a $natural sort or
// a plain limit down, or for capped collections.
func (h *Handler) qibaoHints(sort *types.Document, skip, limit int64, naturalPushed, limitPushed, capped bool) (*types.Document, int64) {
	if h.DisablePushdown || naturalPushed || capped {
		return nil, 0
	}

	var hintSort *types.Document
	if sort.Len() > 0 {
		hintSort = sort
	}

	var hintLimit int64
	if limit > 0 && !limitPushed {
		hintLimit = skip + limit
	}

	return hintSort, hintLimit
}
