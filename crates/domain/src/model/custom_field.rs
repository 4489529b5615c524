//! Custom field definitions (their values and rules are in [`crate::custom_field`]).

use crate::custom_field::{ChoiceOption, FieldOwner, FieldType};
use crate::id::Id;
use crate::kind::EntityKind;

entity! {
    /// A field the workspace's admins add to contacts, companies, deals or tickets. Its
    /// values live in each record's `cf_<id>` field ([`FieldDefinition::field_name`]).
    pub struct FieldDefinition {
        pub owner: FieldOwner,
        pub field_type: FieldType,
        pub label_en: String,
        pub label_fa: String,
        pub required: bool,
        /// Where it comes among the owner's custom fields (smaller first).
        pub order: i32,
        /// Archived fields are hidden from forms and lists; their values are kept.
        pub archived: bool,
        /// The options of a choice field.
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub options: Vec<ChoiceOption>,
    }
}
