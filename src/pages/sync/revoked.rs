//! What a device shows once the server said an admin revoked its access: it no longer syncs
//! (see `SyncEngine::run`); when the workspace's admins allow it (`Settings::
//! revoked_may_backup`, synced, so known before the revocation), it offers a backup of what it
//! holds; then it clears the workspace from this browser, a fresh start. Without that
//! permission there is nothing to wait for, and the tab that syncs clears it at once.

use super::sync_failure;
use crate::{
    download::backup_saver,
    i18n::{use_locale, Msg},
    sync::{use_sync, SyncError},
    ui::widgets::FailureText,
    workspace::use_workspace,
};
use leptos::{either::Either, prelude::*};

#[component]
pub fn RevokedNotice() -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    let workspace = use_workspace();
    let save_backup = backup_saver();
    // Set once this tab has cleared the workspace, until the person closes the notice.
    let cleared = RwSignal::new(false);
    let clear = Action::new_local(move |backup: &bool| {
        let backup = *backup;
        async move {
            if backup {
                save_backup(&workspace.backup().await?);
            }
            sync.erase_device().await?;
            cleared.set(true);
            Ok::<(), SyncError>(())
        }
    });
    let may_backup = move || workspace.settings.with(|s| s.revoked_may_backup);
    Effect::new(move |_| {
        let revoked = sync.is_revoked() && sync.leader.get() && workspace.is_ready();
        if revoked && !may_backup() && !clear.pending().get_untracked() {
            clear.dispatch(false);
        }
    });
    let failure = Signal::derive(move || {
        clear
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| sync_failure(locale, &error))
    });
    let busy = move || clear.pending().get();
    let revoked = move || {
        let offer = if may_backup() {
            Either::Left(view! {
                <p>{move || locale.t(Msg::RevokedBackupOffer)}</p>
                <div class="form-actions">
                    <button type="button" class="button primary" disabled=busy
                        on:click=move |_| { clear.dispatch(true); }>
                        {move || locale.t(Msg::RevokedBackupThenClear)}
                    </button>
                    <button type="button" class="button danger" disabled=busy
                        on:click=move |_| { clear.dispatch(false); }>
                        {move || locale.t(Msg::RevokedClear)}
                    </button>
                </div>
            })
        } else {
            Either::Right(view! { <p>{move || locale.t(Msg::RevokedClearing)}</p> })
        };
        view! {
            <strong>{move || locale.t(Msg::RevokedTitle)}</strong>
            <p>{move || locale.t(Msg::RevokedExplain)}</p>
            {offer}
            <FailureText failure />
        }
    };
    view! {
        <Show when=move || cleared.get() || sync.is_revoked()>
            <section class="banner danger revoked" role="alert" aria-labelledby="revoked-heading">
                {move || if cleared.get() {
                    Either::Left(view! {
                        <p id="revoked-heading">{move || locale.t(Msg::RevokedCleared)}</p>
                        <button type="button" class="button" on:click=move |_| cleared.set(false)>
                            {move || locale.t(Msg::Close)}
                        </button>
                    })
                } else {
                    Either::Right(revoked())
                }}
            </section>
        </Show>
    }
}
