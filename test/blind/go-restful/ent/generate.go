// Package ent is the shop's ent client, generated from ./schema.
package ent

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/execquery ./schema
