"""`make diff BASE=<git ref>`: what a change does to each stack, as a reviewer needs to read it.

Synthesizes the base ref in a temporary git worktree and the working tree as it is, then runs
CDK's own template diff per stack (`cdk diff <stack> --template <base template>`, which needs
no AWS account) and sums it up: resources added, removed, modified and replaced, with the
replacement or removal of a stateful resource first and marked, since that loses data.

    python tools/template_diff.py --base origin/main [--env dev] [--full] [--output FILE]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What CloudFormation cannot recreate without losing what it holds.
STATEFUL_TYPES = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::SecretsManager::Secret",
        "AWS::KMS::Key",
        "AWS::Logs::LogGroup",
        "AWS::ECR::Repository",
        "AWS::DynamoDB::Table",
    }
)

ADDED, REMOVED, MODIFIED = "added", "removed", "modified"
_MARKERS = {"[+]": ADDED, "[-]": REMOVED, "[~]": MODIFIED}
# cdk diff's words for what an update does to a resource (cloudformation-diff's impacts).
_IMPACTS = ("may be replaced", "replace", "destroy", "orphan", "import")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_OUTPUT_LINE = re.compile(r"^(\[[+~-]\]) Output (.+)$")
_RESOURCE_LINE = re.compile(r"^(\[[+~-]\]) (AWS::\S+|Custom::\S+|\S+::\S+::\S+) (.+)$")


class DiffError(Exception):
    """The diff cannot be made; the message says which step failed and how to fix it."""


@dataclass(frozen=True)
class ResourceChange:
    change: str
    """added, removed or modified."""
    logical_id: str
    resource_type: str
    path: str = ""
    """The construct path, when the template's metadata has one."""
    impact: str = ""
    """cdk diff's word for the update: replace, may be replaced, destroy, orphan or empty."""

    @property
    def replaced(self) -> bool:
        return self.impact in ("replace", "may be replaced")

    @property
    def stateful(self) -> bool:
        return self.resource_type in STATEFUL_TYPES

    @property
    def loses_data(self) -> bool:
        """A stateful resource that CloudFormation replaces or deletes (not one it orphans)."""
        return self.stateful and (self.replaced or self.impact == "destroy")


@dataclass(frozen=True)
class OutputChange:
    change: str
    name: str
    export: bool
    """The output is exported: other stacks may import it."""


@dataclass
class StackSummary:
    stack: str
    changes: list[ResourceChange] = field(default_factory=list)
    outputs: list[OutputChange] = field(default_factory=list)
    security_changes: bool = False
    """cdk diff listed IAM statement or security group changes."""
    status: str = "changed"
    """changed, unchanged, new (not in the base) or deleted (not in the head)."""
    cdk_output: str = ""

    def of(self, change: str) -> list[ResourceChange]:
        return [c for c in self.changes if c.change == change]

    @property
    def replaced(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.replaced]

    @property
    def data_losses(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.loses_data]


def parse_cdk_diff(text: str) -> tuple[list[ResourceChange], list[OutputChange], bool]:
    """The resource and output changes in `cdk diff` output, and whether it lists security
    changes."""
    changes = []
    outputs = []
    section = ""
    security = False
    for raw in _ANSI.sub("", text).splitlines():
        line = raw.rstrip()
        if line in ("IAM Statement Changes", "Security Group Changes"):
            security = True
        if line and not line[0].isspace() and not line.startswith(("[", "└", "├", "│")):
            section = line
            continue
        if section == "Outputs" and (match := _OUTPUT_LINE.match(line)):
            marker, rest = match.groups()
            head, _, body = rest.partition(": ")
            outputs.append(
                OutputChange(
                    change=_MARKERS[marker],
                    name=head.split(" ")[-1],
                    export='"Export"' in body,
                )
            )
            continue
        if section != "Resources":
            continue
        match = _RESOURCE_LINE.match(line)
        if not match:
            continue
        marker, resource_type, rest = match.groups()
        impact = next((word for word in _IMPACTS if rest.endswith(f" {word}")), "")
        rest = rest.removesuffix(f" {impact}") if impact else rest
        *path, logical_id = rest.split(" ")
        changes.append(
            ResourceChange(
                change=_MARKERS[marker],
                logical_id=logical_id,
                resource_type=resource_type,
                path=" ".join(path),
                impact=impact,
            )
        )
    return changes, outputs, security


def ordered(changes: Iterable[ResourceChange]) -> list[ResourceChange]:
    """Data losses first, then other replacements, removals, modifications and additions."""

    def rank(change: ResourceChange) -> tuple[int, str]:
        if change.loses_data:
            return (0, change.logical_id)
        if change.replaced:
            return (1, change.logical_id)
        return ({REMOVED: 2, MODIFIED: 3, ADDED: 4}[change.change], change.logical_id)

    return sorted(changes, key=rank)


def render(summaries: Sequence[StackSummary], *, base: str, env: str, full: bool = False) -> str:
    """The summary as Markdown, readable in a terminal and in a pull-request comment."""
    losses = [(s.stack, c) for s in summaries for c in s.data_losses]
    lines = [f"# Template diff: `{base}` to the working tree, env `{env}`", ""]
    if losses:
        lines.append(f"**STATEFUL RESOURCES REPLACED OR DELETED: {len(losses)}.** Their data goes:")
        lines += [
            f"- `{stack}` {c.logical_id} ({c.resource_type}): {c.impact}" for stack, c in losses
        ]
        lines.append("")
    for summary in summaries:
        lines += _render_stack(summary, full=full)
    return "\n".join(lines).rstrip() + "\n"


def _render_stack(summary: StackSummary, *, full: bool) -> list[str]:
    counts = (
        f"{len(summary.of(ADDED))} added, {len(summary.of(REMOVED))} removed, "
        f"{len(summary.of(MODIFIED))} modified, {len(summary.replaced)} replaced"
    )
    status = {"new": " (new stack)", "deleted": " (stack deleted)"}.get(summary.status, "")
    if summary.status == "unchanged":
        return [f"## {summary.stack}: no changes", ""]
    lines = [f"## {summary.stack}{status}: {counts}", ""]
    if summary.security_changes:
        lines += ["IAM or security group statements change: read the full diff.", ""]
    removed_exports = [o.name for o in summary.outputs if o.change == REMOVED and o.export]
    if removed_exports:
        lines += [
            f"**Exports removed: {', '.join(removed_exports)}.** A deployed stack that still "
            "imports one blocks the deploy; keep it one deploy longer with "
            "`stack.export_value(...)`, then remove it.",
            "",
        ]
    if summary.outputs:
        counted = {c: sum(o.change == c for o in summary.outputs) for c in (ADDED, REMOVED)}
        modified = len(summary.outputs) - counted[ADDED] - counted[REMOVED]
        lines += [
            f"Outputs: {counted[ADDED]} added, {counted[REMOVED]} removed, {modified} modified.",
            "",
        ]
    if summary.changes:
        lines += ["| | change | logical id | type | construct path |", "|---|---|---|---|---|"]
        for change in ordered(summary.changes):
            flag = "**STATEFUL**" if change.loses_data else ""
            what = change.change + (f", {change.impact}" if change.impact else "")
            lines.append(
                f"| {flag} | {what} | {change.logical_id} | {change.resource_type} "
                f"| {change.path} |"
            )
        lines.append("")
    elif summary.status == "changed":
        lines += ["No resource changes (outputs, parameters or metadata only).", ""]
    if full and summary.cdk_output.strip():
        lines += [
            "<details><summary>cdk diff</summary>",
            "",
            "```",
            _ANSI.sub("", summary.cdk_output).strip(),
            "```",
            "</details>",
            "",
        ]
    return lines


def deleted_stack(stack: str, base_template: dict) -> StackSummary:
    """A stack the head no longer has: CloudFormation deletes all its resources with it."""
    changes = []
    for logical_id, resource in base_template.get("Resources", {}).items():
        if resource.get("Type") == "AWS::CDK::Metadata":
            continue
        kept = resource.get("DeletionPolicy") in ("Retain", "RetainExceptOnCreate")
        changes.append(
            ResourceChange(
                change=REMOVED,
                logical_id=logical_id,
                resource_type=resource.get("Type", ""),
                path=resource.get("Metadata", {}).get("aws:cdk:path", ""),
                impact="orphan" if kept else "destroy",
            )
        )
    return StackSummary(stack=stack, changes=changes, status="deleted")


def stack_templates(assembly: Path) -> dict[str, Path]:
    """The stack names of a synthesized cloud assembly and their template files."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    return {
        artifact.get("displayName", name).split("/")[-1]: assembly
        / artifact["properties"]["templateFile"]
        for name, artifact in manifest.get("artifacts", {}).items()
        if artifact.get("type") == "aws:cloudformation:stack"
    }


def cdk_cli() -> list[str]:
    local = ROOT / "node_modules" / ".bin" / "cdk"
    return [str(local)] if local.exists() else ["npx", "--no-install", "cdk"]


def _cdk_environment() -> dict[str, str]:
    # `cdk diff --template` reads no account, but the SDK still looks for credentials and a
    # region first; dummy ones keep it from probing the instance metadata service.
    env = dict(os.environ)
    env.setdefault("AWS_ACCESS_KEY_ID", "template-diff")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "template-diff")
    env.setdefault("AWS_REGION", env.get("AWS_DEFAULT_REGION", "us-east-1"))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"
    return env


def synthesize(source: Path, outdir: Path, env: str) -> None:
    """`cdk synth` of the app in `source` into `outdir`."""
    command = [*cdk_cli(), "synth", "-q", "-c", f"env={env}", "-o", str(outdir)]
    result = subprocess.run(
        command, cwd=source, env=_cdk_environment(), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise DiffError(
            f"cdk synth failed in {source} (exit {result.returncode}):\n"
            f"{result.stderr.strip()[-3000:]}"
        )


def cdk_diff(assembly: Path, stack: str, base_template: Path) -> str:
    """CDK's own diff of `stack` in the head assembly against the base's template."""
    command = [
        *cdk_cli(),
        "diff",
        stack,
        "--app",
        str(assembly),
        "--template",
        str(base_template),
        "--method",
        "template",
        "--exclusively",
        "--no-notices",
    ]
    result = subprocess.run(
        command, cwd=ROOT, env=_cdk_environment(), capture_output=True, text=True
    )
    # cdk diff exits 0 either way here (no --fail); anything else is its own failure.
    if result.returncode != 0:
        raise DiffError(f"cdk diff {stack} failed (exit {result.returncode}):\n{result.stderr}")
    return result.stdout + result.stderr


def summarize(head: Path, base: Path | None, scratch: Path) -> list[StackSummary]:
    """Per-stack summaries of the head assembly against the base assembly (None: no base)."""
    head_stacks = stack_templates(head)
    base_stacks = stack_templates(base) if base else {}
    empty = scratch / "empty.template.json"
    empty.write_text('{"Resources": {}}\n')

    def diff_one(stack: str) -> StackSummary:
        output = cdk_diff(head, stack, base_stacks.get(stack, empty))
        changes, outputs, security = parse_cdk_diff(output)
        if stack not in base_stacks:
            status = "new"
        else:
            status = "changed" if output_has_diff(output) else "unchanged"
        return StackSummary(
            stack=stack,
            changes=changes,
            outputs=outputs,
            security_changes=security,
            status=status,
            cdk_output=output,
        )

    print(f"template-diff: cdk diff of {', '.join(head_stacks)}", file=sys.stderr, flush=True)
    # Each diff is a Node process of its own, so they run side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        summaries = list(pool.map(diff_one, head_stacks))
    for stack in sorted(set(base_stacks) - set(head_stacks)):
        summaries.append(deleted_stack(stack, json.loads(base_stacks[stack].read_text())))
    return summaries


def output_has_diff(output: str) -> bool:
    return "There were no differences" not in output


def synthesize_ref(ref: str, outdir: Path, worktree: Path, env: str) -> Path | None:
    """The base ref synthesized in a temporary worktree; None if the ref has no CDK app."""
    run = lambda *args: subprocess.run(  # noqa: E731
        ["git", *args], cwd=ROOT, capture_output=True, text=True
    )
    resolved = run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if resolved.returncode != 0:
        raise DiffError(f"BASE={ref} is not a commit here; try BASE=HEAD~1 or origin/main")
    added = run("worktree", "add", "--detach", "--force", str(worktree), resolved.stdout.strip())
    if added.returncode != 0:
        raise DiffError(f"git worktree add failed: {added.stderr.strip()}")
    try:
        if not (worktree / "cdk.json").exists():
            return None
        # The worktree shares this checkout's Python and Node installs.
        for shared in (".venv", "node_modules"):
            if (ROOT / shared).exists() and not (worktree / shared).exists():
                (worktree / shared).symlink_to(ROOT / shared)
        synthesize(worktree, outdir, env)
        return outdir
    finally:
        run("worktree", "remove", "--force", str(worktree))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make diff", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD~1", help="the git ref to compare with")
    parser.add_argument("--env", default="dev", help="the environment to synthesize")
    parser.add_argument("--full", action="store_true", help="append each stack's cdk diff")
    parser.add_argument("--output", type=Path, help="write the summary here, not to stdout")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="template-diff-") as tmp:
        scratch = Path(tmp)
        try:
            print(
                f"template-diff: synthesizing {args.base} and the working tree",
                file=sys.stderr,
                flush=True,
            )
            # Two apps, two Node processes: synthesize them side by side.
            with ThreadPoolExecutor(max_workers=2) as pool:
                base_synth = pool.submit(
                    synthesize_ref, args.base, scratch / "base", scratch / "worktree", args.env
                )
                head_synth = pool.submit(synthesize, ROOT, scratch / "head", args.env)
                base = base_synth.result()
                head_synth.result()
            if base is None:
                print(f"template-diff: {args.base} has no cdk.json", file=sys.stderr)
            summaries = summarize(scratch / "head", base, scratch)
        except DiffError as error:
            print(f"template-diff: {error}", file=sys.stderr)
            return 2
    text = render(summaries, base=args.base, env=args.env, full=args.full)
    if args.output:
        args.output.write_text(text)
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
