// Fuzz targets for the text parsers: Dockerfiles (parse, plan, ARG/ENV expansion, heredocs), the
// shell lexer alone, image references (with their round trip) and the Go template engine.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDockerfile } from '../../../../src/build/dockerfile/parse-dockerfile.js';
import { planBuild } from '../../../../src/build/dockerfile/plan-stages.js';
import { StageScope } from '../../../../src/build/dockerfile/stage-scope.js';
import { ShellLex } from '../../../../src/build/dockerfile/shell-lexer.js';
import { formatReference, parseReference } from '../../../../src/oci/reference.js';
import { renderTemplate } from '../../../../src/cli/format/go-template/template.js';
import { TEST_SOURCES } from '../../repo-paths.js';
import { type FuzzInput, type FuzzTarget, RoundTripError } from '../fuzz-target.js';
import { mutatedText, tokenSoup } from './mutate.js';

const DOCKERFILE_TOKENS = [
  'FROM', 'RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'WORKDIR', 'USER', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'VOLUME', 'LABEL',
  'HEALTHCHECK', 'SHELL', 'STOPSIGNAL', 'ONBUILD', 'AS', 'scratch', 'alpine', 'base', '--from=', '--mount=type=cache,target=/x',
  '--mount=type=secret,id=a', '--chown=', '--chmod=', '--link', '--platform=$TARGETPLATFORM', '--interval=1s', '--start-period=',
  '<<EOF', '<<-EOF', '<<"EOF"', "<<'X'", 'EOF', 'X', '\\', '`', '\\\n', '`\n', '\n', '\t', ' ', '#', '# escape=`', '# syntax=x',
  '# check=skip=all', '$', '${', '}', '${A:-b}', '${A:+c}', '${A:?e}', '${A#*/}', '${A%%/*}', '${A//x/y}', '${A/#a/b}', '$A', '"',
  "'", '[', ']', '["a", "b"]', '[1]', '{', ',', '=', 'A=1', '\u00a0', '\u2028', '\uFEFF', '😀', '\0', '\r\n', '/', '..', '*', '?',
];

const FIXTURES = join(TEST_SOURCES, 'unit/build/dockerfile/fixtures/');
const DOCKERFILES = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.Dockerfile'))
  .map((f) => readFileSync(FIXTURES + f, 'utf8'));

const text = (input: FuzzInput): string => (typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));

export const dockerfileTarget: FuzzTarget = {
  name: 'dockerfile',
  covers: 'build/dockerfile: parse, plan stages, ARG/ENV expansion per step, heredocs',
  arbitrary: fc.oneof(tokenSoup(DOCKERFILE_TOKENS, 80), mutatedText(DOCKERFILES, DOCKERFILE_TOKENS)),
  run(input) {
    exerciseDockerfile(text(input));
  },
};

/** Parses, plans and expands every instruction of every stage (what a build does before it runs). */
export function exerciseDockerfile(src: string): void {
  const df = parseDockerfile(src);
  const plan = planBuild(df, { buildArgs: { A: 'a/b/c', TARGETARCH: 'arm64' }, buildPlatform: { os: 'linux', architecture: 'amd64' } });
  const scopes = new Map<number, StageScope>();
  for (const i of plan.order) {
    const p = plan.stages[i]!;
    const parent = p.base.kind === 'stage' ? scopes.get(p.base.index) : undefined;
    const scope = new StageScope(plan, i, parent ? { parent } : {});
    scopes.set(i, scope);
    for (const ins of p.stage.instructions) scope.expand(ins);
  }
}

const LEXERS = [
  new ShellLex('\\'), new ShellLex('`'), new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }),
  new ShellLex('\\', { skipProcessQuotes: true }),
];
const LEX_ENV = new Map([['A', 'a/b/c'], ['E', ''], ['S', ' x  y ']]);

export const shellLexTarget: FuzzTarget = {
  name: 'shell-lexer',
  covers: 'build/dockerfile/shell-lexer: word expansion of ARG/ENV values (every lexer mode)',
  arbitrary: fc.oneof(tokenSoup(DOCKERFILE_TOKENS, 16), fc.string({ maxLength: 64 })),
  run(input) {
    for (const lex of LEXERS) {
      lex.processWord(text(input), LEX_ENV);
      lex.processWords(text(input), LEX_ENV);
    }
  },
};

const REFERENCE_PARTS = [
  'busybox', 'library/', 'docker.io/', 'index.docker.io/', 'localhost', ':5000', '/', 'a', 'B', '0', '.', '_', '__', '-', '--', ':', '@',
  'sha256:', 'e'.repeat(64), 'f'.repeat(32), 'sha512:', '[::1]', '[', ']', 'latest', 'v1.2', 'x'.repeat(130), 'n/'.repeat(130),
];

export const referenceTarget: FuzzTarget = {
  name: 'reference',
  covers: 'oci/reference: parse + format round trip (docker\'s ParseNormalizedNamed)',
  arbitrary: fc.oneof(tokenSoup(REFERENCE_PARTS, 12, ''), fc.string({ maxLength: 80 })),
  run(input) {
    const ref = parseReference(text(input));
    const again = parseReference(formatReference(ref));
    if (JSON.stringify(again) !== JSON.stringify(ref)) {
      throw new RoundTripError(`${JSON.stringify(ref)} came back as ${JSON.stringify(again)}`);
    }
  },
};

const TEMPLATE_TOKENS = [
  '{{', '}}', '{{-', '-}}', '.', '.Name', '.Labels', '.Nested.Deep', '$', '$x', ':=', '=', '|', '(', ')', ' ', '"s"', '`raw`', "'c'",
  '1', '-1', '0x1F', '1e9', 'true', 'nil', 'if', 'else', 'else if', 'end', 'range', 'with', 'define "t"', 'template "t"', 'block "b" .',
  'break', 'continue', 'json', 'join', 'split', 'printf', '"%v %d %s %q %x %08.3f %[2]*d"', 'len', 'index', 'slice', 'eq', 'ne', 'lt',
  'and', 'or', 'not', 'print', 'println', 'upper', 'lower', 'title', 'pad', 'truncate', 'table', '\n', '/*', '*/', ',',
];
const TEMPLATE_DATA = { Name: 'n', Labels: { a: '1', b: '' }, Nested: { Deep: [1, 'two', null, { X: true }] }, List: [3, 2, 1], Num: 1.5 };

export const goTemplateTarget: FuzzTarget = {
  name: 'go-template',
  covers: 'cli/format/go-template: lexer, parser, execution on docker-like data',
  arbitrary: fc.oneof(tokenSoup(TEMPLATE_TOKENS, 30, ''), fc.string({ maxLength: 60 })),
  run(input) {
    renderTemplate(text(input), TEMPLATE_DATA);
  },
};
