use super::PageHeader;
use crate::i18n::Msg;
use leptos::prelude::*;

#[component]
pub fn Pipeline() -> impl IntoView {
    view! { <PageHeader title=Msg::NavPipeline intro=Msg::PipelineIntro /> }
}
