//! Tests of the validation rules that the fixtures do not reach.
