// Package schema holds the shop's ent schemas; the code in ../ is generated
// from them by `go generate ./ent` (entc).
package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// Item is a row of items.
type Item struct{ ent.Schema }

// Annotations name the table.
func (Item) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Annotation{Table: "items"}}
}

// Fields of Item.
func (Item) Fields() []ent.Field {
	return []ent.Field{field.Int("id"), field.String("name"), field.Int("qty")}
}

// Invoice is a table of a newer schema than the database has (a migration
// not run).
type Invoice struct{ ent.Schema }

// Annotations name the table.
func (Invoice) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Annotation{Table: "invoices"}}
}

// Fields of Invoice.
func (Invoice) Fields() []ent.Field {
	return []ent.Field{field.Int("id"), field.Int("total")}
}
