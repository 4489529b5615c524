//! Writes a generated sample workspace as a backup file (the app's Settings → Restore reads
//! it), as a contacts CSV (the import page reads it; the import benchmark uses it) or as sync
//! ops, one JSON op a line (the join benchmark pushes them to a server).
//!
//! ```text
//! cargo run -p rabet-domain --release --example sample -- \
//!     --contacts 100000 --lang fa --out /tmp/sample.json [--seed 1] [--today 2025-03-20] [--csv]
//! ```
//! Without `--today` the history ends today (UTC); `--csv` is implied by an `.csv` output name,
//! ops by an `.ops` one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rabet_domain::backup::Backup;
use rabet_domain::calendar::{Day, GregorianDate};
use rabet_domain::hlc::NodeId;
use rabet_domain::locale::Lang;
use rabet_domain::sample::{generate, SampleOptions};

struct Args {
    options: SampleOptions,
    out: String,
    csv: bool,
}

impl Args {
    fn ops(&self) -> bool {
        self.out.ends_with(".ops")
    }
}

fn parse_args(now_ms: i64) -> Result<Args, String> {
    let mut options = SampleOptions {
        seed: 1,
        contacts: 1_000,
        lang: Lang::Fa,
        today: Day::from_unix_ms(now_ms),
    };
    let mut out = None;
    let mut csv = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--csv" {
            csv = true;
            continue;
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse()
                .map_err(|_| format!("{flag}: not a number: {value}"))
        };
        match flag.as_str() {
            "--contacts" => options.contacts = number()? as usize,
            "--seed" => options.seed = number()?,
            "--lang" => options.lang = Lang::from_tag(&value).ok_or("--lang is fa or en")?,
            "--today" => options.today = parse_day(&value)?,
            "--out" => out = Some(value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    let out = out.ok_or("--out is required")?;
    csv |= out.ends_with(".csv");
    Ok(Args { options, out, csv })
}

fn parse_day(text: &str) -> Result<Day, String> {
    let parts: Vec<&str> = text.split('-').collect();
    let bad = || format!("--today: expected YYYY-MM-DD, got {text}");
    let [year, month, day] = parts.as_slice() else {
        return Err(bad());
    };
    let number = |part: &str| part.parse::<u32>().map_err(|_| bad());
    GregorianDate::new(number(year)? as i32, number(month)?, number(day)?)
        .map(GregorianDate::to_day)
        .map_err(|_| bad())
}

fn main() -> ExitCode {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64);
    let args = match parse_args(now_ms) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    match write(&args, now_ms) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}: {error}", args.out);
            ExitCode::FAILURE
        }
    }
}

fn write(args: &Args, now_ms: i64) -> std::io::Result<()> {
    let started = Instant::now();
    let sample = generate(&args.options);
    eprintln!(
        "generated {} contacts, {} companies, {} deals, {} invoices, {} activities, {} tasks, {} tickets in {:.1?}",
        sample.contacts.len(),
        sample.companies.len(),
        sample.deals.len(),
        sample.invoices.len(),
        sample.activities.len(),
        sample.tasks.len(),
        sample.tickets.len(),
        started.elapsed()
    );
    let mut out = BufWriter::new(File::create(&args.out)?);
    let node = NodeId::from_random(args.options.seed.to_le_bytes());
    let wall_ms = u64::try_from(now_ms).unwrap_or(0);
    if args.csv {
        out.write_all(sample.contacts_csv().as_bytes())?;
    } else if args.ops() {
        for op in sample.sync_ops(node, wall_ms) {
            serde_json::to_writer(&mut out, &op)?;
            out.write_all(b"\n")?;
        }
    } else {
        let records = sample.backup_records(node, wall_ms);
        for piece in Backup::json_pieces(now_ms, &node, records) {
            out.write_all(piece.as_bytes())?;
        }
    }
    out.flush()?;
    eprintln!("wrote {} in {:.1?}", args.out, started.elapsed());
    Ok(())
}
