// Qibao addition to FerretDB 1.24's SQLite backend (Apache License 2.0, like the rest of FerretDB).
//
// FerretDB 1.24 pushes a filter down to SQLite only when it is exactly {_id: <string|ObjectId>}, and
// even then compares _ferretdb_sjson->'$._id' while the primary-key index is on _ferretdb_sjson->"_id",
// so every query reads and decodes the whole table. This file translates the common part of a filter
// into a WHERE clause that SQLite answers from the indexes FerretDB already creates
// (_ferretdb_sjson->"field"), plus ORDER BY / LIMIT / count(*) when that is provably safe.
//
// The handler still applies the complete filter, sort, skip and limit in memory to whatever comes
// back, so a translation only has to select a superset of the matching documents. It is "exact" when
// it selects precisely the matching documents; only then are LIMIT and count(*) pushed down.
//
// Assumptions (true for Qibao, whose mongoose schemas give every field one type):
//   - a field does not hold both an ObjectId and a string with the same hex text;
//   - a field sorted on, or compared with an ObjectId range, holds values of one BSON type (SQLite orders
//     mixed types differently, and MongoDB's type bracketing would exclude the other types).
// See embedded-db/README.md.

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

// qibaoPushdown is a translated filter.
type qibaoPushdown struct {
	where string // without the WHERE keyword; empty when nothing could be translated
	args  []any
	exact bool   // the WHERE clause selects exactly the documents the filter matches
	raw   string // a literal every matching document's stored text contains ("" if none known)
}

// qibaoTranslator translates filters for one collection.
type qibaoTranslator struct {
	ctx     context.Context
	db      *fsql.DB
	table   string
	indexed map[string]bool // top-level fields that lead an index
	arrays  map[string]bool // per translation: does the field hold arrays in some document?
	lastRaw string          // the raw literal of the condition translated last (see qibaoPushdown.raw)
}

var qibaoFieldName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func newQibaoTranslator(ctx context.Context, db *fsql.DB, meta *metadata.Collection) *qibaoTranslator {
	t := &qibaoTranslator{
		ctx:     ctx,
		db:      db,
		table:   meta.TableName,
		indexed: map[string]bool{"_id": true},
		arrays:  map[string]bool{},
	}

	for _, idx := range meta.Settings.Indexes {
		if len(idx.Key) > 0 && qibaoFieldName.MatchString(idx.Key[0].Field) {
			t.indexed[idx.Key[0].Field] = true
		}
	}

	return t
}

// jsonExpr is the expression FerretDB's indexes are created on (metadata registry: DefaultColumn->"field").
func qibaoJSONExpr(field string) string {
	return fmt.Sprintf(`%s->"%s"`, metadata.DefaultColumn, field)
}

// valueExpr is the field's SQL value (text for strings and ObjectIds, integers for dates, …).
func qibaoValueExpr(field string) string {
	return fmt.Sprintf(`%s->>'$.%s'`, metadata.DefaultColumn, field)
}

// qibaoRawContains tests the stored JSON text itself for a literal, before any JSON is parsed: a cheap
// superset test that lets SQLite skip most rows of a scan without parsing them (~1 µs instead of ~30 µs
// for a customer document). Literals passed to it have no characters JSON escapes.
var qibaoRawContains = fmt.Sprintf("instr(%s, ?) > 0", metadata.DefaultColumn)

// arrayGuard selects documents whose field is an array (JSON text starting with '['), which MongoDB
// matches element-wise and the scalar comparison would miss.
// The stored text holds `"field":[` wherever such a field holds an array (sjson writes no spaces), so
// rows without it are rejected before their JSON is parsed.
func qibaoArrayGuard(field string) string {
	e := qibaoJSONExpr(field)
	return fmt.Sprintf(`(instr(%s, '"%s":[') > 0 AND %s >= '[' AND %s < '\')`, metadata.DefaultColumn, field, e, e)
}

// hasArrays reports whether some document holds an array in field. For an indexed field that is one
// index probe; for other fields it is not known cheaply, so the answer is "maybe" (true).
func (t *qibaoTranslator) hasArrays(field string) bool {
	if field == "_id" {
		return false
	}

	if v, ok := t.arrays[field]; ok {
		return v
	}

	res := true

	if t.indexed[field] {
		q := fmt.Sprintf(`SELECT 1 FROM %q WHERE %s LIMIT 1`, t.table, qibaoArrayGuard(field))

		rows, err := t.db.QueryContext(t.ctx, q)
		if err == nil {
			res = rows.Next()
			_ = rows.Close()
		}
	}

	t.arrays[field] = res

	return res
}

// scalarJSON is the sjson text of a value whose equality SQLite can decide by comparing JSON text.
func qibaoScalarJSON(v any) (string, bool) {
	switch v.(type) {
	case string, types.ObjectID, bool:
		b, err := sjson.MarshalSingleValue(v)
		if err != nil {
			return "", false
		}

		return string(b), true
	default:
		return "", false
	}
}

// translate translates a filter document (the conjunction of its keys).
func (t *qibaoTranslator) translate(filter *types.Document) (*qibaoPushdown, error) {
	res := &qibaoPushdown{exact: true}

	if filter == nil {
		return res, nil
	}

	var conds []string

	iter := filter.Iterator()
	defer iter.Close()

	for {
		k, v, err := iter.Next()
		if err != nil {
			if errors.Is(err, iterator.ErrIteratorDone) {
				break
			}

			return nil, lazyerrors.Error(err)
		}

		t.lastRaw = ""

		cond, args, exact, err := t.translateKey(k, v)
		if err != nil {
			return nil, err
		}

		if cond != "" && res.raw == "" {
			res.raw = t.lastRaw
		}

		if !exact {
			res.exact = false
		}

		if cond != "" {
			conds = append(conds, cond)
			res.args = append(res.args, args...)
		}
	}

	res.where = strings.Join(conds, " AND ")

	return res, nil
}

// translateKey translates one key of a filter document. An empty condition means "not translated".
func (t *qibaoTranslator) translateKey(k string, v any) (string, []any, bool, error) {
	switch k {
	case "$comment":
		return "", nil, true, nil

	case "$and", "$or":
		arr, ok := v.(*types.Array)
		if !ok || arr.Len() == 0 {
			return "", nil, false, nil
		}

		var parts []string
		var args []any
		var raws []string
		exact := true

		for i := 0; i < arr.Len(); i++ {
			sub, ok := qibaoMust(arr.Get(i)).(*types.Document)
			if !ok {
				return "", nil, false, nil
			}

			p, err := t.translate(sub)
			if err != nil {
				return "", nil, false, err
			}

			exact = exact && p.exact

			if p.where == "" {
				if k == "$or" {
					// One untranslatable branch makes the disjunction untranslatable.
					return "", nil, false, nil
				}

				continue
			}

			parts = append(parts, "("+p.where+")")
			args = append(args, p.args...)
			raws = append(raws, p.raw)
		}

		if len(parts) == 0 {
			return "", nil, exact, nil
		}

		t.lastRaw = "" // the branches' own translations left theirs here

		if k == "$and" {
			for _, r := range raws {
				if r != "" {
					t.lastRaw = r
					break
				}
			}

			return "(" + strings.Join(parts, " AND ") + ")", args, exact, nil
		}

		// When one literal is contained in every branch's literal (a name search's "mlx", "\"mlx", …),
		// test the stored text for it once before the branches: most rows are rejected in one pass.
		if common := qibaoCommonLiteral(raws); common != "" {
			t.lastRaw = common
			return "(" + qibaoRawContains + " AND (" + strings.Join(parts, " OR ") + "))", append([]any{common}, args...), exact, nil
		}

		return "(" + strings.Join(parts, " OR ") + ")", args, exact, nil
	}

	if !qibaoFieldName.MatchString(k) {
		// Dotted paths, operators like $nor and $expr: evaluated by the handler only.
		return "", nil, false, nil
	}

	switch v := v.(type) {
	case types.Regex:
		c, a := t.regex(k, v.Pattern, v.Options)
		return c, a, false, nil

	case *types.Document:
		if v.Len() == 0 || !strings.HasPrefix(v.Keys()[0], "$") {
			return "", nil, false, nil // equality with an embedded document
		}

		return t.operators(k, v)

	default:
		return t.equality(k, []any{v})
	}
}

// qibaoCommonLiteral is the shortest of raws if every other one contains it, else "".
func qibaoCommonLiteral(raws []string) string {
	if len(raws) == 0 {
		return ""
	}

	short := raws[0]
	for _, r := range raws {
		if len(r) < len(short) {
			short = r
		}
	}

	for _, r := range raws {
		if short == "" || !strings.Contains(r, short) {
			return ""
		}
	}

	return short
}

// equality translates {field: value} and {field: {$in: values}}.
func (t *qibaoTranslator) equality(field string, values []any) (string, []any, bool, error) {
	if len(values) == 0 {
		return "0", nil, true, nil // $in: [] matches nothing
	}

	args := make([]any, len(values))

	for i, v := range values {
		s, ok := qibaoScalarJSON(v)
		if !ok {
			return "", nil, false, nil
		}

		args[i] = s
	}

	e := qibaoJSONExpr(field)

	var cond string

	if len(args) == 1 {
		t.lastRaw = args[0].(string)
	}

	switch {
	case len(args) == 1 && t.indexed[field]:
		cond = e + " = ?" // answered from the index alone (a count never reads the rows)
	case len(args) == 1:
		// Not indexed, so SQLite scans: the raw-text test first skips, unparsed, every row whose
		// text does not even contain the value.
		cond = qibaoRawContains + " AND " + e + " = ?"
		args = append([]any{args[0]}, args...)
	default:
		cond = e + " IN (?" + strings.Repeat(", ?", len(args)-1) + ")"
	}

	if t.hasArrays(field) {
		return "(" + cond + " OR " + qibaoArrayGuard(field) + ")", args, false, nil
	}

	return cond, args, true, nil
}

// operators translates {field: {$op: value, ...}}; untranslated operators make it inexact.
func (t *qibaoTranslator) operators(field string, ops *types.Document) (string, []any, bool, error) {
	var conds []string
	var args []any
	exact := true

	options := ""
	if o, err := ops.Get("$options"); err == nil {
		s, ok := o.(string)
		if !ok {
			return "", nil, false, nil
		}

		options = s
	}

	for _, op := range ops.Keys() {
		v := qibaoMust(ops.Get(op))

		var c string
		var a []any
		var ex bool

		switch op {
		case "$eq":
			var err error
			if c, a, ex, err = t.equality(field, []any{v}); err != nil {
				return "", nil, false, err
			}

		case "$in":
			arr, ok := v.(*types.Array)
			if !ok {
				return "", nil, false, nil
			}

			vals := make([]any, arr.Len())
			for i := range vals {
				vals[i] = qibaoMust(arr.Get(i))
			}

			var err error
			if c, a, ex, err = t.equality(field, vals); err != nil {
				return "", nil, false, err
			}

		case "$regex":
			switch p := v.(type) {
			case string:
				c, a = t.regex(field, p, options)
			case types.Regex:
				if options == "" {
					options = p.Options
				}

				c, a = t.regex(field, p.Pattern, options)
			}

		case "$options":
			continue

		case "$gt", "$gte", "$lt", "$lte":
			if id, ok := v.(types.ObjectID); ok {
				c, a, ex = t.objectIDRange(field, op, id)
				break
			}

			c, a = t.stringRange(field, op, v)
		}

		if !ex {
			exact = false
		}

		if c != "" {
			conds = append(conds, c)
			args = append(args, a...)
		}
	}

	return strings.Join(conds, " AND "), args, exact, nil
}

// objectIDRange translates $gt/$gte/$lt/$lte with an ObjectId bound. Every ObjectId is stored as the same
// 26-character JSON text ("24 lowercase hex digits"), so comparing that text is comparing the ObjectIds:
// exact when the field holds no arrays (and, as everywhere here, one type: keyset paging by _id).
func (t *qibaoTranslator) objectIDRange(field, op string, id types.ObjectID) (string, []any, bool) {
	b, err := sjson.MarshalSingleValue(id)
	if err != nil {
		return "", nil, false
	}

	sqlOp := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]
	c := fmt.Sprintf("%s %s ?", qibaoJSONExpr(field), sqlOp)

	if t.hasArrays(field) {
		return "(" + c + " OR " + qibaoArrayGuard(field) + ")", []any{string(b)}, false
	}

	return c, []any{string(b)}, true
}

// stringRange translates $gt/$gte/$lt/$lte with a string bound; other bounds are left to the handler.
// Never exact (the bounds are widened to whole prefixes).
//
// A bound made of characters above '"' that JSON writes as themselves becomes a range on the indexed
// JSON text: every string s >= b has JSON text >= `"b`, every s <= b has JSON text < `"b` + U+10FFFF+1.
// Other string bounds compare the SQL text (UTF-8 byte order, as MongoDB compares strings).
func (t *qibaoTranslator) stringRange(field, op string, v any) (string, []any) {
	b, ok := v.(string)
	if !ok {
		return "", nil
	}

	lit, ok := qibaoRegexLiteral(regexp.QuoteMeta(b))
	for _, r := range b {
		if r <= '"' {
			ok = false
		}
	}

	if ok && lit == b {
		e := qibaoJSONExpr(field)

		var c string
		var arg string

		if op == "$gt" || op == "$gte" {
			c, arg = e+" >= ?", `"`+b
		} else {
			c, arg = e+" < ?", `"`+b+"\xf4\x90"
		}

		if t.hasArrays(field) {
			c = "(" + c + " OR " + qibaoArrayGuard(field) + ")"
		}

		return c, []any{arg}
	}

	sqlOp := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]

	return fmt.Sprintf("(%s %s ? OR %s)", qibaoValueExpr(field), sqlOp, qibaoArrayGuard(field)), []any{b}
}

// regex translates a literal pattern: "^literal" becomes a range on the indexed JSON text, "literal$" a
// suffix test and "literal" a substring test, both evaluated by SQLite without decoding documents. Other patterns are not translated.
// Never exact (a regex does not match ObjectIds or numbers; the text comparison might).
func (t *qibaoTranslator) regex(field, pattern, options string) (string, []any) {
	if options != "" {
		return "", nil
	}

	anchored := strings.HasPrefix(pattern, "^")
	if anchored {
		pattern = pattern[1:]
	}

	suffix := !anchored && strings.HasSuffix(pattern, "$") && !strings.HasSuffix(pattern, `\$`)
	if suffix {
		pattern = pattern[:len(pattern)-1]
	}

	lit, ok := qibaoRegexLiteral(pattern)
	if !ok || lit == "" {
		return "", nil
	}

	if suffix {
		// "literal$": the value ends with literal, or with literal and a final newline (as $ allows).
		x := qibaoValueExpr(field)
		n := utf8.RuneCountInString(lit)

		return fmt.Sprintf("(substr(%s, -%d) = ? OR substr(%s, -%d) = ? OR %s)", x, n, x, n+1, qibaoArrayGuard(field)),
			[]any{lit, lit + "\n"}
	}

	if anchored {
		e := qibaoJSONExpr(field)
		// Every JSON string starting with lit sorts in ["lit, "lit + U+10FFFF+1), byte-wise.
		lo := `"` + lit
		hi := lo + "\xf4\x90"
		c := fmt.Sprintf("(%s AND %s >= ? AND %s < ?)", qibaoRawContains, e, e)
		t.lastRaw = lo

		if t.hasArrays(field) {
			c = "(" + c + " OR " + qibaoArrayGuard(field) + ")"
		}

		return c, []any{lo, lo, hi}
	}

	// On the JSON text (the indexed expression), so an index holding the field lets SQLite test it
	// without reading the row; the literal has no characters JSON escapes, so it appears verbatim.
	t.lastRaw = lit

	return fmt.Sprintf("(%s AND instr(%s, ?) > 0)", qibaoRawContains, qibaoJSONExpr(field)), []any{lit, lit}
}

// qibaoRegexLiteral unescapes a regex made only of literal characters, all of which JSON encodes as
// themselves (so the literal appears verbatim in the stored JSON text).
func qibaoRegexLiteral(p string) (string, bool) {
	var b strings.Builder

	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		if r == utf8.RuneError && size <= 1 {
			return "", false
		}

		i += size

		if r == '\\' {
			if i >= len(p) {
				return "", false
			}

			r, size = utf8.DecodeRuneInString(p[i:])
			i += size

			if r < 0x80 && (r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
				return "", false // \d, \w, \1 …: not a literal
			}
		} else if strings.ContainsRune(`.*+?()[]{}|^$`, r) {
			return "", false
		}

		if r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == 0x2028 || r == 0x2029 {
			return "", false
		}

		b.WriteRune(r)
	}

	return b.String(), true
}

// fieldType is the BSON type of field in the first document holding it, from sjson's per-document
// schema ("" when unknown). Sorting assumes a field holds one type (see the top of this file).
func (t *qibaoTranslator) fieldType(field string) string {
	q := fmt.Sprintf(
		`SELECT json_extract(%s, '$."$s".p.%s.t') FROM %q WHERE %s IS NOT NULL LIMIT 1`,
		metadata.DefaultColumn, field, t.table, qibaoJSONExpr(field),
	)

	var typ string
	if err := t.db.QueryRowContext(t.ctx, q).Scan(&typ); err != nil {
		return ""
	}

	return typ
}

// orderBy translates a sort document of top-level fields; "" when any key cannot be translated.
//
// Strings, ObjectIds, booleans and dates are ordered by their JSON text, the expression FerretDB's
// indexes hold, so a compound index such as {branchId: 1, updatedAt: -1} serves the sort: that text
// orders ObjectIds (hex), booleans and dates from 2001-09-09 to 2286 (13-digit milliseconds) exactly
// and strings byte-wise. Numbers are ordered by their SQL value (no index).
func (t *qibaoTranslator) orderBy(sort *types.Document) string {
	if sort.Len() == 0 {
		return ""
	}

	parts := make([]string, 0, sort.Len())

	for _, k := range sort.Keys() {
		if !qibaoFieldName.MatchString(k) {
			return ""
		}

		var dir string

		switch v := qibaoMust(sort.Get(k)).(type) {
		case int64:
			dir = map[int64]string{1: "ASC", -1: "DESC"}[v]
		case int32:
			dir = map[int32]string{1: "ASC", -1: "DESC"}[v]
		case float64:
			dir = map[float64]string{1: "ASC", -1: "DESC"}[v]
		}

		if dir == "" {
			return ""
		}

		expr := qibaoValueExpr(k)

		typ := "objectId"
		if k != "_id" {
			typ = t.fieldType(k)
		}

		switch typ {
		case "string", "objectId", "bool", "date":
			expr = qibaoJSONExpr(k)
		}

		parts = append(parts, expr+" "+dir)
	}

	return " ORDER BY " + strings.Join(parts, ", ")
}

// selectQuery builds the SELECT for Query and Explain from the translated filter p of params.Filter.
func (t *qibaoTranslator) selectQuery(p *qibaoPushdown, params *backends.QueryParams, selectClause string) (string, []any) {
	q := selectClause
	args := append([]any(nil), p.args...)

	if p.where != "" {
		q += " WHERE " + p.where
	}

	var orderBy string

	if params.Sort.Len() > 0 {
		// $natural (capped collections): FerretDB's own ordering by record id.
		q += prepareOrderByClause(params.Sort)
	} else {
		orderBy = t.orderBy(params.QibaoSort)
		q += orderBy
	}

	limit := params.Limit // set by the handler only when there is no filter, sort or skip
	if limit == 0 && params.QibaoLimitIfExact > 0 && p.exact &&
		(params.QibaoSort.Len() == 0 || orderBy != "") && params.Sort.Len() == 0 {
		limit = params.QibaoLimitIfExact
	}

	if limit != 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}

	return q, args
}

// must panics on error; used where FerretDB's own types guarantee success (keys from Keys(), indexes < Len()).
func qibaoMust(v any, err error) any {
	if err != nil {
		panic(err)
	}

	return v
}
