// Not a module to build: these files are copied over the vendored FerretDB by core/db/embedded.ts.
// This go.mod only keeps them out of the embedded-db module (go vet ./..., go mod tidy).
module github.com/qibao/qibao/embedded-db/ferretdb-overlay

go 1.22
