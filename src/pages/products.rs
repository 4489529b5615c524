//! The product catalogue: what the business sells, offered on invoice and quote lines.

use crate::i18n::phrase;
use crate::ui::widgets::{refused, RefusedNote};
use crate::{
    i18n::{use_locale, Msg},
    local_time::now_ms,
    ui::draft::Draft,
    ui::widgets::{FormDialog, SearchBox, TextField},
    ui::PageHeader,
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by_key;
use rabet_domain::{
    locale::{format_decimal, format_money, parse_money},
    model::Product,
    money::Money,
    search::{normalize, Query},
};

#[component]
pub fn Products() -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Product));
    let workspace = use_workspace();
    let query = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<(Product, bool)>);
    let visible = Memo::new(move |_| {
        let query = Query::parse(&query.get());
        workspace.products.with(|products| {
            let matching = products.matching(&query);
            let mut found: Vec<Product> = (0..products.len())
                .filter(|&at| matching.at(at))
                .map(|at| products.at(at).clone())
                .collect();
            sort_by_key(&mut found, |p| (!p.active, normalize(&p.name)));
            found
        })
    });
    let new_product = move |_| {
        let currency = workspace.settings.with_untracked(|s| s.currency);
        let product = Product {
            id: Workspace::new_id(),
            price: Money::new(0, currency),
            created_at: now_ms(),
            ..Product::default()
        };
        editing.set(Some((product, false)));
    };
    view! {
        <PageHeader title=Msg::Products intro=Msg::ProductsIntro />
        <RefusedNote kind=EntityKind::Product />
        <div class="toolbar">
            <SearchBox query placeholder=Msg::ProductSearchHint />
            <button type="button" class="button primary" disabled=move || refused.get().is_some() on:click=new_product>{move || locale.t(Msg::NewProduct)}</button>
        </div>
        <Show when=move || !visible.with(Vec::is_empty) fallback=move || view! { <p class="empty">{move || locale.t(Msg::NoProducts)}</p> }>
            <ul class="plain record-list">
                <For each=move || visible.get() key=|p| (p.id.clone(), p.name.clone(), p.sku.clone(), p.price, p.active) let:product>
                    <li class="record-row" class:inactive=!product.active>
                        <button type="button" class="row-link row-button" on:click={
                            let product = product.clone();
                            move |_| editing.set(Some((product.clone(), true)))
                        }>
                            <span class="row-main">
                                <bdi class="row-title">{product.name.clone()}</bdi>
                                <bdi class="row-sub" dir="ltr">{product.sku.clone()}</bdi>
                            </span>
                            <span class="row-sub"><bdi>{product.description.clone()}</bdi></span>
                            <span class="row-meta">
                                <strong>{let price = product.price; move || format_money(price, locale.lang())}</strong>
                                {(!product.active).then(|| view! { <span class="badge">{move || locale.t(Msg::ProductInactive)}</span> })}
                            </span>
                        </button>
                    </li>
                </For>
            </ul>
        </Show>
        {move || editing.get().map(|(product, existing)| view! {
            <ProductForm initial=product existing=existing on_done=Callback::new(move |_| editing.set(None)) />
        })}
    }
}

#[component]
fn ProductForm(initial: Product, existing: bool, on_done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let currency = initial.price.currency;
    let price_text = RwSignal::new(if existing {
        format_decimal(initial.price.minor, currency.minor_digits(), locale.lang())
    } else {
        String::new()
    });
    let draft = Draft::new(existing.then(|| initial.clone()), || initial);
    let record = draft.record;
    let title = draft.title(Msg::NewProduct, Msg::EditProduct);
    let price = move || parse_money(&price_text.get(), currency);
    let submit = move |_| {
        let Ok(price) = price() else {
            draft.failure.set(Some(Msg::FixHighlighted));
            return;
        };
        let mut product = record.get_untracked();
        product.price = price;
        product.name = product.name.trim().to_owned();
        product.sku = product.sku.trim().to_owned();
        draft.submit(product, move |_| on_done.run(()));
    };
    view! {
        <FormDialog title=title on_submit=Callback::new(submit) on_cancel=on_done saving=draft.saving() failure=draft.failure kind=draft.kind()>
            <div class="form-grid">
                <TextField label=Msg::ProductName id="product-name" autofocus=true error=draft.error("name")
                    get=move || record.with(|p| p.name.clone()) set=move |v| record.update(|p| p.name = v) />
                <TextField label=Msg::Sku id="product-sku"
                    get=move || record.with(|p| p.sku.clone()) set=move |v| record.update(|p| p.sku = v) />
                <div class="field">
                    <label class="field-label" for="product-price">
                        {move || locale.fill(phrase::LabelledField { field: locale.t(Msg::UnitPrice), label: currency.label(locale.lang()) })}
                    </label>
                    <input id="product-price" type="text" inputmode="decimal"
                        prop:value=move || price_text.get()
                        aria-invalid=move || (draft.failure.get().is_some() && price().is_err()).to_string()
                        on:input=move |ev| price_text.set(event_target_value(&ev)) />
                    <span class="field-error" role="alert">
                        {move || (draft.failure.get().is_some() && price().is_err()).then(|| locale.t(Msg::ErrAmount))}
                    </span>
                </div>
            </div>
            <div class="field">
                <label class="field-label" for="product-description">{move || locale.t(Msg::DescriptionLabel)}</label>
                <textarea id="product-description" rows="2"
                    prop:value=move || record.with(|p| p.description.clone())
                    on:input=move |ev| record.update(|p| p.description = event_target_value(&ev))></textarea>
            </div>
            <label class="check">
                <input type="checkbox" prop:checked=move || record.with(|p| p.active)
                    on:change=move |ev| record.update(|p| p.active = event_target_checked(&ev)) />
                {move || locale.t(Msg::OfferedOnNewDocuments)}
            </label>
        </FormDialog>
    }
}
