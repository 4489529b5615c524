use super::*;
use crate::{
    hlc::{Clock, NodeId},
    id::{Id, WireId},
    kind::EntityKind,
    op::OpBuilder,
    replica::Record,
};
use proptest::prelude::*;
use serde_json::{json, Map};

const JALALI_TOMAN: Reading = Reading {
    calendar: Calendar::Jalali,
    currency: Currency::Toman,
};

fn field(field_type: FieldType) -> FieldDefinition {
    FieldDefinition {
        id: Id::from_string("f1"),
        owner: FieldOwner::Contact,
        field_type,
        label_en: "Field".into(),
        label_fa: "فیلد".into(),
        required: false,
        order: 0,
        archived: false,
        options: ["gold", "silver", "bronze"]
            .iter()
            .zip(["طلایی", "نقره‌ای", "برنزی"])
            .map(|(en, fa)| ChoiceOption {
                id: format!("o-{en}"),
                label_en: (*en).to_owned(),
                label_fa: fa.to_owned(),
            })
            .collect(),
    }
}

fn parse(field_type: FieldType, text: &str) -> Result<Option<CustomValue>, ValueError> {
    field(field_type).parse(text, JALALI_TOMAN)
}

#[test]
fn each_type_reads_what_people_type() {
    use CustomValue as V;
    assert_eq!(
        parse(FieldType::Text, "  VIP  "),
        Ok(Some(V::Text("VIP".into())))
    );
    assert_eq!(
        parse(FieldType::Number, "۱۲٫۵"),
        Ok(Some(V::Number(125_000)))
    );
    assert_eq!(
        parse(FieldType::Number, "-1,200.0001"),
        Ok(Some(V::Number(-12_000_001)))
    );
    assert_eq!(
        parse(FieldType::Number, "1.23456"),
        Err(ValueError::NotNumber)
    );
    assert_eq!(parse(FieldType::Number, "12a"), Err(ValueError::NotNumber));
    assert_eq!(
        parse(FieldType::Money, "۱٬۲۰۰٬۰۰۰"),
        Ok(Some(V::Money(1_200_000)))
    );
    assert_eq!(parse(FieldType::Money, "abc"), Err(ValueError::NotMoney));
    // In the workspace calendar: 1 Farvardin 1403 is 20 March 2024.
    let nowruz = parse_day("2024-03-20", Calendar::Gregorian).unwrap();
    assert_eq!(
        parse(FieldType::Date, "۱۴۰۳/۰۱/۰۱"),
        Ok(Some(V::Date(nowruz)))
    );
    assert_eq!(
        parse(FieldType::Date, "1403/13/01"),
        Err(ValueError::NotDate)
    );
    assert_eq!(
        parse(FieldType::Choice, "Silver"),
        Ok(Some(V::Choice("o-silver".into())))
    );
    // The Persian label, typed with an Arabic yeh and without the ZWNJ.
    assert_eq!(
        parse(FieldType::Choice, "نقره اي"),
        Ok(Some(V::Choice("o-silver".into())))
    );
    assert_eq!(
        parse(FieldType::Choices, "bronze، gold, gold"),
        Ok(Some(V::Choices(vec!["o-gold".into(), "o-bronze".into()])))
    );
    assert_eq!(
        parse(FieldType::Choice, "platinum"),
        Err(ValueError::UnknownOption("platinum".into()))
    );
    assert_eq!(
        parse(FieldType::Checkbox, "بله"),
        Ok(Some(V::Checkbox(true)))
    );
    assert_eq!(
        parse(FieldType::Checkbox, "No"),
        Ok(Some(V::Checkbox(false)))
    );
    assert_eq!(
        parse(FieldType::Checkbox, "maybe"),
        Err(ValueError::NotCheckbox)
    );
    assert_eq!(
        parse(FieldType::Url, "example.com/a"),
        Ok(Some(V::Text("https://example.com/a".into())))
    );
    assert_eq!(
        parse(FieldType::Url, "http://example.ir"),
        Ok(Some(V::Text("http://example.ir".into())))
    );
    assert_eq!(parse(FieldType::Url, "not a url"), Err(ValueError::NotUrl));
    assert_eq!(
        parse(FieldType::Url, "ftp://example.com"),
        Err(ValueError::NotUrl)
    );
    assert_eq!(
        parse(FieldType::Phone, "۰۹۱۲ ۳۴۵ ۶۷۸۹"),
        Ok(Some(V::Text("+989123456789".into())))
    );
    assert_eq!(
        parse(FieldType::Phone, "call me"),
        Err(ValueError::NotPhone)
    );
    assert_eq!(
        parse(FieldType::Email, " Ali@Example.COM "),
        Ok(Some(V::Text("Ali@example.com".into())))
    );
    assert_eq!(parse(FieldType::Email, "ali@"), Err(ValueError::NotEmail));
}

#[test]
fn an_empty_value_is_refused_only_when_required() {
    assert_eq!(parse(FieldType::Number, "  "), Ok(None));
    let required = FieldDefinition {
        required: true,
        ..field(FieldType::Number)
    };
    assert_eq!(required.parse("", JALALI_TOMAN), Err(ValueError::Required));
}

#[test]
fn a_value_reads_back_from_what_is_written_and_from_its_stored_json() {
    for (field_type, typed) in [
        (FieldType::Text, "Note"),
        (FieldType::Number, "-0.25"),
        (FieldType::Money, "1,500"),
        (FieldType::Date, "1403/12/29"),
        (FieldType::Choice, "gold"),
        (FieldType::Choices, "silver, bronze"),
        (FieldType::Checkbox, "yes"),
        (FieldType::Url, "https://rabet.example/x?y=1"),
        (FieldType::Phone, "+98 21 8888 7777"),
        (FieldType::Email, "sara@example.com"),
    ] {
        let definition = field(field_type);
        let value = definition.parse(typed, JALALI_TOMAN).unwrap().unwrap();
        let written = definition.write(&value, JALALI_TOMAN);
        assert_eq!(
            definition.parse(&written, JALALI_TOMAN),
            Ok(Some(value.clone())),
            "{typed}"
        );
        assert_eq!(
            CustomValue::from_json(field_type, &value.to_json()),
            Some(value),
            "{typed}"
        );
    }
    assert_eq!(
        CustomValue::from_json(FieldType::Number, &json!(true)),
        None
    );
}

#[test]
fn a_type_change_converts_what_it_can_and_counts_the_rest() {
    let text = field(FieldType::Text);
    let values: Vec<CustomValue> = ["12", "۱۳٫۵", "twelve", "gold"]
        .iter()
        .map(|t| CustomValue::Text((*t).to_owned()))
        .collect();
    let to_number = text.convert_all(&field(FieldType::Number), &values, JALALI_TOMAN);
    assert_eq!(to_number.refused, 2);
    assert_eq!(
        to_number.converted,
        [
            Some(CustomValue::Number(120_000)),
            Some(CustomValue::Number(135_000)),
            None,
            None
        ]
    );
    let to_choice = text.convert_all(&field(FieldType::Choice), &values, JALALI_TOMAN);
    assert_eq!(to_choice.refused, 3);
    assert_eq!(
        to_choice.converted[3],
        Some(CustomValue::Choice("o-gold".into()))
    );
    // Every value converts to text, and a required target does not refuse.
    let number = field(FieldType::Number);
    let required_text = FieldDefinition {
        required: true,
        ..text
    };
    let back = number.convert_all(
        &required_text,
        &[CustomValue::Number(125_000)],
        JALALI_TOMAN,
    );
    assert_eq!(back.refused, 0);
    assert_eq!(back.converted, [Some(CustomValue::Text("12.5".into()))]);
}

/// One device: its clock and op ids.
fn device(number: u8) -> (Clock, u64) {
    (Clock::new(NodeId::from_random([number; 8])), 0)
}

fn edit(
    (clock, made): &mut (Clock, u64),
    number: u8,
    wall_ms: u64,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Vec<crate::op::Op> {
    let mut new_id = || {
        *made += 1;
        let mut random = [number; 10];
        random[2..].copy_from_slice(&made.to_be_bytes());
        WireId::v7(wall_ms, random)
    };
    OpBuilder::new(clock, wall_ms, &mut new_id)
        .edit_ops(
            EntityKind::Contact,
            &Id::from_string("c1"),
            Some(before),
            after,
        )
        .unwrap()
}

#[test]
fn two_devices_editing_different_custom_fields_of_one_record_both_keep_their_edit() {
    let tier = FieldDefinition {
        id: Id::from_string("tier"),
        ..field(FieldType::Choice)
    };
    let renewal = FieldDefinition {
        id: Id::from_string("renewal"),
        ..field(FieldType::Date)
    };
    let mut base = Map::new();
    base.insert("first_name".into(), json!("Sara"));
    base.insert(
        tier.field_name(),
        CustomValue::Choice("o-bronze".into()).to_json(),
    );
    base.insert(
        renewal.field_name(),
        CustomValue::Date(Day(20_000)).to_json(),
    );

    let (mut a, mut b) = (device(1), device(2));
    let created = edit(&mut a, 1, 1_000, &Map::new(), &base);
    let mut on_a = base.clone();
    on_a.insert(
        tier.field_name(),
        CustomValue::Choice("o-gold".into()).to_json(),
    );
    let mut on_b = base.clone();
    on_b.insert(
        renewal.field_name(),
        CustomValue::Date(Day(20_100)).to_json(),
    );
    // B's edit is the later one, and touches only its own field.
    let from_a = edit(&mut a, 1, 2_000, &base, &on_a);
    let from_b = edit(&mut b, 2, 3_000, &base, &on_b);
    assert_eq!((from_a.len(), from_b.len()), (1, 1));

    let merged = |order: &[&Vec<crate::op::Op>]| {
        let mut record = Record::default();
        for ops in order {
            ops.iter().for_each(|op| {
                record.apply(op);
            });
        }
        record.to_map()
    };
    let one_way = merged(&[&created, &from_a, &from_b]);
    assert_eq!(one_way, merged(&[&from_b, &created, &from_a]));
    let read = |definition: &FieldDefinition| {
        CustomValue::from_json(definition.field_type, &one_way[&definition.field_name()])
    };
    assert_eq!(read(&tier), Some(CustomValue::Choice("o-gold".into())));
    assert_eq!(read(&renewal), Some(CustomValue::Date(Day(20_100))));
}

proptest! {
    #[test]
    fn numbers_read_back_exactly(n in -10_i64.pow(15)..10_i64.pow(15)) {
        prop_assert_eq!(parse_number(&write_number(n)), Ok(n));
    }

    #[test]
    fn parsing_never_panics(text in "\\PC{0,20}", which in 0..FieldType::ALL.len()) {
        let _ = field(FieldType::ALL[which]).parse(&text, JALALI_TOMAN);
    }
}

#[test]
fn a_record_keeps_its_custom_values_as_top_level_fields() {
    use crate::model::{Contact, Entity};
    let tier = field(FieldType::Choice);
    let mut contact = Contact {
        id: Id::from_string("c1"),
        first_name: "Sara".into(),
        ..Contact::default()
    };
    contact
        .custom
        .set(&tier, Some(CustomValue::Choice("o-gold".into())));
    let fields = contact.to_fields();
    assert_eq!(fields["cf_f1"], json!("o-gold"));
    // Other unknown fields are still ignored, and nulls are not kept.
    let mut stored = fields.clone();
    stored.insert("retired_field".into(), json!(1));
    stored.insert("cf_gone".into(), Value::Null);
    let read = Contact::from_fields(stored).unwrap();
    assert_eq!(read, contact);
    assert_eq!(
        read.custom.get(&tier),
        Some(CustomValue::Choice("o-gold".into()))
    );

    // Clearing the value writes it as null, so other devices clear it too.
    let mut cleared = read.clone();
    cleared.custom.set(&tier, None);
    assert!(!cleared.custom.holds(&tier));
    let ops = edit(&mut device(1), 1, 1_000, &fields, &cleared.to_fields());
    assert_eq!(ops.len(), 1);
    assert_eq!(
        (ops[0].field.as_str(), &ops[0].value),
        ("cf_f1", &Value::Null)
    );
}

#[test]
fn a_definition_needs_both_labels_and_distinct_options() {
    use crate::validate::{Validate, ValidationErrorKind};
    assert_eq!(field(FieldType::Choice).validate(), []);
    let unlabelled = FieldDefinition {
        label_fa: " ".into(),
        ..field(FieldType::Text)
    };
    let errors = unlabelled.validate();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].field, errors[0].kind),
        ("label_fa", ValidationErrorKind::Required)
    );
    let no_options = FieldDefinition {
        options: Vec::new(),
        ..field(FieldType::Choices)
    };
    assert_eq!(no_options.validate()[0].field, "options");
    let mut twice = field(FieldType::Choice);
    twice.options[2].label_en = "GOLD".into();
    let errors = twice.validate();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].field, errors[0].index, errors[0].kind),
        ("options.label_en", Some(2), ValidationErrorKind::Duplicate)
    );
    // Text fields need no options.
    let text = FieldDefinition {
        options: Vec::new(),
        ..field(FieldType::Text)
    };
    assert_eq!(text.validate(), []);
}

#[test]
fn a_field_named_by_a_uuid_makes_valid_ops() {
    let definition = FieldDefinition {
        id: Id::v7(1_700_000_000_000, [7; 10]),
        ..field(FieldType::Text)
    };
    let name = definition.field_name();
    assert!(name.starts_with("cf_") && !name.contains('-'), "{name}");
    let mut values = Map::new();
    values.insert(name, json!("VIP"));
    let ops = edit(&mut device(1), 1, 1_000, &Map::new(), &values);
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].validate(), Ok(()));
}

#[test]
fn lists_sort_values_by_their_type_and_empty_ones_last() {
    let keys = |field_type: FieldType, typed: &[&str]| {
        let definition = field(field_type);
        let mut keyed: Vec<(CustomSortKey, String)> = typed
            .iter()
            .map(|text| {
                let mut values = CustomValues::default();
                values.set(&definition, definition.parse(text, JALALI_TOMAN).unwrap());
                (definition.sort_key(&values), (*text).to_owned())
            })
            .collect();
        keyed.sort();
        keyed.into_iter().map(|(_, text)| text).collect::<Vec<_>>()
    };
    assert_eq!(
        keys(FieldType::Number, &["10", "", "9.5", "-1"]),
        ["-1", "9.5", "10", ""]
    );
    assert_eq!(
        keys(FieldType::Date, &["1403/02/01", "1402/12/29", ""]),
        ["1402/12/29", "1403/02/01", ""]
    );
    // Options in the definition's order (gold, silver, bronze), not by label.
    assert_eq!(
        keys(FieldType::Choice, &["Bronze", "Gold", "", "Silver"]),
        ["Gold", "Silver", "Bronze", ""]
    );

    let tier = field(FieldType::Choices);
    let mut values = CustomValues::default();
    values.set(&tier, tier.parse("silver, bronze", JALALI_TOMAN).unwrap());
    assert!(tier.holds_option(&values, "o-bronze"));
    assert!(!tier.holds_option(&values, "o-gold"));
}

/// Values of one field of `field_type`, read from typed text.
fn holding(field_type: FieldType, text: &str) -> CustomValues {
    let definition = field(field_type);
    let mut values = CustomValues::default();
    values.set(&definition, parse(field_type, text).expect("typed well"));
    values
}

fn criterion(field_type: FieldType, test: CustomTest) -> CustomCriterion {
    CustomCriterion {
        field: Id::from_string("f1"),
        field_type,
        test,
    }
}

#[test]
fn criteria_test_each_type_with_its_operators() {
    use CustomTest::*;
    let text = holding(FieldType::Text, "Tehran Branch");
    assert!(criterion(FieldType::Text, Contains("TEHRAN".into())).holds(&text));
    assert!(criterion(FieldType::Text, Equals("tehran branch".into())).holds(&text));
    assert!(!criterion(FieldType::Text, Equals("tehran".into())).holds(&text));

    let money = holding(FieldType::Money, "1500");
    assert!(criterion(FieldType::Money, AtLeast(1500)).holds(&money));
    assert!(!criterion(FieldType::Money, AtMost(1499)).holds(&money));
    assert!(criterion(FieldType::Money, Exactly(1500)).holds(&money));

    let date = holding(FieldType::Date, "1403/01/15");
    let day = |text: &str| parse_day(text, Calendar::Jalali).expect("a day");
    assert!(criterion(FieldType::Date, Before(day("1403/01/16"))).holds(&date));
    assert!(!criterion(FieldType::Date, Before(day("1403/01/15"))).holds(&date));
    assert!(criterion(FieldType::Date, After(day("1403/01/14"))).holds(&date));
    let within = Within {
        from: day("1403/01/15"),
        to: day("1403/01/20"),
    };
    assert!(criterion(FieldType::Date, within).holds(&date));

    let choice = holding(FieldType::Choice, "gold");
    assert!(criterion(FieldType::Choice, Is("o-gold".into())).holds(&choice));
    assert!(!criterion(FieldType::Choice, IsNot("o-gold".into())).holds(&choice));
    assert!(criterion(FieldType::Choice, IsNot("o-silver".into())).holds(&choice));
    let choices = holding(FieldType::Choices, "gold, bronze");
    assert!(criterion(FieldType::Choices, Is("o-bronze".into())).holds(&choices));

    let ticked = holding(FieldType::Checkbox, "yes");
    assert!(criterion(FieldType::Checkbox, Checked(true)).holds(&ticked));
    assert!(!criterion(FieldType::Checkbox, Checked(false)).holds(&ticked));
}

#[test]
fn an_empty_field_fails_every_test_but_is_not_and_unticked() {
    use CustomTest::*;
    let empty = CustomValues::default();
    assert!(!criterion(FieldType::Text, Contains(String::new())).holds(&empty));
    assert!(!criterion(FieldType::Number, AtMost(0)).holds(&empty));
    assert!(!criterion(FieldType::Choice, Is("o-gold".into())).holds(&empty));
    assert!(criterion(FieldType::Choice, IsNot("o-gold".into())).holds(&empty));
    assert!(criterion(FieldType::Checkbox, Checked(false)).holds(&empty));
}

#[test]
fn an_operator_the_type_does_not_allow_holds_for_nothing() {
    let money = holding(FieldType::Money, "1500");
    let wrong = criterion(FieldType::Money, CustomTest::Contains("15".into()));
    assert!(!wrong.is_valid());
    assert!(!wrong.holds(&money));
    for field_type in FieldType::ALL {
        assert!(!TestKind::allowed(field_type).is_empty());
    }
}

#[test]
fn a_criterion_reads_back_from_its_json() {
    let written = criterion(FieldType::Choice, CustomTest::Is("o-gold".into()));
    let json = serde_json::to_value(&written).expect("serializes");
    assert_eq!(json["test"], json!({"op": "is", "value": "o-gold"}));
    let read: CustomCriterion = serde_json::from_value(json).expect("reads back");
    assert_eq!(read, written);
}
