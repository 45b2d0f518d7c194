"""`synor usage sign` and `synor usage submit`: signed cumulative usage reports, from a JSON file to the chain.

The file formats are documented in `synor.usage.files`. Signing computes the EIP-712 digests locally
(`synor.usage.typed_data`), never by asking the node. Submitting checks everything the contract would
first — the file's chain and contract, each signature, the signer's authorization, and each report with
`preview` — and sends nothing when no report would charge; otherwise it sends one transaction (the
contract skips what fails, with its reason) and prints what each report charged.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from synor.cli.context import Context, pass_context
from synor.cli.options import account_option, dry_run_option, json_option
from synor.errors import ChainError
from synor.units import InputError, format_amount, format_synor

if TYPE_CHECKING:
    from synor.billing.settlement import Settled, SettlementClient
    from synor.usage.files import SignedFile
    from synor.usage.typed_data import Domain


file_argument = click.argument("path", type=click.Path(dir_okay=False, path_type=Path))


def _settlement(context: Context) -> tuple[SettlementClient, Domain]:
    from synor.billing.settlement import SettlementClient

    client = SettlementClient(context.chain)
    return client, client.domain()


@click.command()
@file_argument
@click.option(
    "--each", is_flag=True, help="One signature per report instead of one UsageBatch signature for all."
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the signed file here.")
@account_option
@json_option
@pass_context
def sign(
    context: Context, path: Path, each: bool, out: Path | None, account: str | None, as_json: bool
) -> None:
    """Sign the usage reports in PATH (JSON) for this deployment's settlement, as an operator's signer."""
    from synor.usage.files import SignedFile, parse_reports, read_json, signed_json
    from synor.usage.signing import sign_batch, sign_report

    if out is not None and out.is_dir():
        raise InputError(f"--out {out} is a directory: give a file name to write the signed reports to")
    reports = parse_reports(read_json(path))
    operators = {report[1] for report in reports}
    if not each and len(operators) > 1:
        raise InputError(
            f"a batch is signed for one operator, but the reports name {len(operators)}: "
            "split the file, or sign each report with --each"
        )
    signer = context.signer(account)
    client, domain = _settlement(context)
    for operator in sorted(operators):
        client.require_signer(operator, signer.address)
    if each:
        signed = SignedFile(
            domain.settlement,
            domain.chain_id,
            signer.address,
            "reports",
            reports,
            [sign_report(signer, domain, report) for report in reports],
        )
    else:
        (operator,) = operators
        signature = sign_batch(signer, domain, operator, reports)
        signed = SignedFile(
            domain.settlement, domain.chain_id, signer.address, "batch", reports, [signature], operator
        )
    document = signed_json(signed)
    if out is not None:
        import json

        out.write_text(json.dumps(document, indent=2) + "\n")
        context.report(
            {"signed": len(reports), "mode": signed.mode, "signer": signer.address, "out": str(out)},
            f"signed {len(reports)} report(s) as {signer.address} ({signed.mode}); wrote {out}",
        )
    else:
        context.emit_json(document)


@click.command()
@file_argument
@account_option
@dry_run_option
@json_option
@pass_context
def submit(context: Context, path: Path, account: str | None, dry_run: bool, as_json: bool) -> None:
    """Submit the signed usage reports in PATH (from `synor usage sign`); anyone may, paying the gas."""
    from synor.usage.files import parse_signed, read_json

    signed = parse_signed(read_json(path))
    client, domain = _settlement(context)
    _check_file(signed, domain)
    problems = _preflight(client, domain, signed)
    chargeable = len(signed.reports) - len(problems)
    if chargeable == 0:
        first = problems[min(problems)]
        raise ChainError(
            f"nothing to charge: every report would be skipped (report {min(problems)}: {first}); nothing sent"
        )
    for index, reason in sorted(problems.items()):
        context.log(f"report {index} will be skipped: {reason}")
    sender = context.signer(account)
    if signed.mode == "batch":
        assert signed.operator is not None
        settled = client.settle_batch(
            sender, signed.operator, signed.reports, signed.signer, signed.signatures[0]
        )
    else:
        settled = client.settle(
            sender, [(r, signed.signer, s) for r, s in zip(signed.reports, signed.signatures, strict=True)]
        )
    _print_settled(context, settled)


def _check_file(signed: SignedFile, domain: Domain) -> None:
    if signed.chain_id != domain.chain_id or signed.settlement != domain.settlement:
        raise InputError(
            f"the file was signed for settlement {signed.settlement} on chain {signed.chain_id}, but this "
            f"deployment's is {domain.settlement} on chain {domain.chain_id}: sign it again for this deployment"
        )


def _preflight(client: SettlementClient, domain: Domain, signed: SignedFile) -> dict[int, str]:
    """Why each report would be skipped (reports that would charge are absent); a batch that would revert
    as a whole raises."""
    from synor.usage.signing import recover_batch_signer, recover_report_signer

    problems: dict[int, str] = {}
    if signed.mode == "batch":
        assert signed.operator is not None
        if (
            recover_batch_signer(domain, signed.operator, signed.reports, signed.signatures[0])
            != signed.signer
        ):
            raise InputError(
                f"the batch signature is not {signed.signer}'s: the file was altered or signed by another key"
            )
        client.require_signer(signed.operator, signed.signer)
    for index, report in enumerate(signed.reports):
        if signed.mode == "reports":
            if recover_report_signer(domain, report, signed.signatures[index]) != signed.signer:
                problems[index] = f"the signature is not {signed.signer}'s"
                continue
            if not client.is_signer(report[1], signed.signer):
                problems[index] = f"{signed.signer} is not an active signer of operator {report[1]}"
                continue
        elif report[1] != signed.operator:
            problems[index] = f"it names operator {report[1]}, not the batch's {signed.operator}"
            continue
        reason = client.preview(report)
        if reason is not None:
            problems[index] = reason
    return problems


def _print_settled(context: Context, settled: Settled) -> None:
    from synor.usage.files import report_json

    lines: list[dict[str, Any]] = []
    for c in settled.charged:
        line = report_json((c.account, c.operator, c.resource, c.period, c.cumulative, c.evidence_root))
        lines.append(
            line
            | {
                "previousCumulative": str(c.previous_cumulative),
                "slices": [str(s) for s in c.slices],
                "amount": str(c.amount),
                "usdAmount": str(c.usd_amount),
                "usdPerSynor": str(c.usd_per_synor),
                "collected": str(c.collected),
                "debt": str(c.debt),
            }
        )
    skipped = [{"index": s.index, "account": s.account, "reason": s.reason} for s in settled.skipped]
    if context.json:
        context.emit_json({"transaction": settled.tx_hash, "charged": lines, "skipped": skipped})
        return
    total = sum(c.amount for c in settled.charged)
    collected = sum(c.collected for c in settled.charged)
    context.out.print(
        f"settled {len(settled.charged)} report(s) (tx {settled.tx_hash}): charged {format_synor(total)}, "
        f"collected {format_synor(collected)}, debt {format_synor(total - collected)}"
    )
    for line in lines:
        usd = f" (USD {format_amount(int(line['usdAmount']), 18)})" if line["usdAmount"] != "0" else ""
        context.out.print(
            f"  {line['account']}  {line['resource']:<22} period {line['period']}  "
            f"{line['previousCumulative']} → {line['cumulativeQuantity']}: {format_synor(int(line['amount']))}{usd}, "
            f"collected {format_synor(int(line['collected']))}"
        )
    for item in skipped:
        context.out.print(f"  skipped report {item['index']} ({item['account']}): {item['reason']}")
