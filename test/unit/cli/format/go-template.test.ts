import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template, TemplateError, renderTemplate } from '../../../../src/cli/format/go-template/template.js';
import { formatFloatG, sprintf } from '../../../../src/cli/format/go-template/go-fmt.js';
import { lex } from '../../../../src/cli/format/go-template/lexer.js';

const data = {
  Id: 'abc123',
  Names: ['/web', '/db'],
  State: { Status: 'running', Pid: 1234567, Running: true, ExitCode: 0 },
  Config: { Labels: { 'com.example.app': 'shop', tier: 'front' }, Cmd: ['sh', '-c', 'echo hi'], Env: [] as string[] },
  Nothing: null,
  Size: 4262000,
  Ratio: 0.25,
};

function render(src: string, d: unknown = data): string {
  return renderTemplate(src, d);
}

describe('go template: fields and printing', () => {
  it('prints fields, nested fields and missing keys like Go on map data', () => {
    assert.equal(render('{{.Id}}'), 'abc123');
    assert.equal(render('{{.State.Status}}'), 'running');
    assert.equal(render('{{.Missing}}'), '<no value>');
    assert.equal(render('{{.Missing.Deeper}}'), '<no value>');
    assert.equal(render('{{.Nothing}}'), '<nil>');
    assert.equal(render('{{.Names}}'), '[/web /db]');
    assert.equal(render('{{.Config.Labels}}'), 'map[com.example.app:shop tier:front]');
    assert.equal(render('{{.State.Pid}} {{.Size}} {{.Ratio}}'), '1234567 4262000 0.25');
    assert.equal(render('{{.State.Running}}'), 'true');
    assert.equal(render('text only'), 'text only');
    assert.equal(render(''), '');
  });

  it('prints the whole dot and variables', () => {
    assert.equal(render('{{.}}', 'x'), 'x');
    assert.equal(render('{{$}}', 5), '5');
    assert.equal(render('{{$x := .Id}}{{$x}}-{{$x}}'), 'abc123-abc123');
    assert.equal(render('{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}'), '2');
    assert.equal(render('{{with .State}}{{$.Id}}:{{.Status}}{{end}}'), 'abc123:running');
  });

  it('errors on fields of nil and of non-maps', () => {
    assert.throws(() => render('{{.Nothing.X}}'), /nil pointer evaluating interface \{\}\.X/);
    assert.throws(() => render('{{.Id.X}}'), /can't evaluate field X in type string/);
    assert.throws(() => render('{{.Id.X}}'), /^TemplateError|template: :1:2: executing "" at <\.Id\.X>/);
  });
});

describe('go template: control structures', () => {
  it('if / else if / else', () => {
    assert.equal(render('{{if eq .State.Status "running"}}up{{else}}down{{end}}'), 'up');
    assert.equal(render('{{if .Nothing}}a{{else if .Missing}}b{{else}}c{{end}}'), 'c');
    assert.equal(render('{{if .Config.Env}}env{{else}}none{{end}}'), 'none');
    assert.equal(render('{{if and .Id (not .Nothing)}}ok{{end}}'), 'ok');
    assert.equal(render('{{if or .Nothing .Id}}{{or .Nothing .Id}}{{end}}'), 'abc123');
  });

  it('range over lists, maps (sorted keys), ints, with else, break and continue', () => {
    assert.equal(render('{{range .Names}}[{{.}}]{{end}}'), '[/web][/db]');
    assert.equal(render('{{range $i, $n := .Names}}{{$i}}={{$n}};{{end}}'), '0=/web;1=/db;');
    assert.equal(render('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}},{{end}}'), 'com.example.app=shop,tier=front,');
    assert.equal(render('{{range .Config.Env}}x{{else}}empty{{end}}'), 'empty');
    assert.equal(render('{{range 3}}{{.}}{{end}}'), '012');
    assert.equal(render('{{range .Names}}{{if eq . "/db"}}{{break}}{{end}}{{.}}{{end}}'), '/web');
    assert.equal(render('{{range .Names}}{{if eq . "/web"}}{{continue}}{{end}}{{.}}{{end}}'), '/db');
    assert.equal(render('{{range .Missing}}x{{end}}'), '');
  });

  it('with, define/template, comments and whitespace trimming', () => {
    assert.equal(render('{{with .Missing}}x{{else}}none{{end}}'), 'none');
    assert.equal(render('{{define "n"}}<{{.}}>{{end}}{{template "n" .Id}}'), '<abc123>');
    assert.equal(render('a {{- /* note */ -}} b'), 'ab');
    assert.equal(render('x  {{- .Id -}}  y'), 'xabc123y');
    assert.equal(render('{{- 3 }}'), '3');
    assert.equal(render('{{-3}}'), '-3');
  });
});

describe('go template: functions', () => {
  it('docker functions: json, join, split, lower, upper, title, pad, truncate', () => {
    assert.equal(render('{{json .Config.Labels}}'), '{"com.example.app":"shop","tier":"front"}');
    assert.equal(render('{{json .Names}}'), '["/web","/db"]');
    assert.equal(render('{{json "<&>"}}'), '"<&>"');
    assert.equal(render('{{join .Config.Cmd " "}}'), 'sh -c echo hi');
    assert.equal(render('{{split "a:b:c" ":"}}'), '[a b c]');
    assert.equal(render('{{index (split "a:b" ":") 1}}'), 'b');
    assert.equal(render('{{lower "ABC"}} {{upper "abc"}} {{title "hello big world"}}'), 'abc ABC Hello Big World');
    assert.equal(render('{{pad "x" 2 1}}|{{pad "" 2 1}}|'), '  x ||');
    assert.equal(render('{{truncate "abcdef" 3}} {{truncate "ab" 3}}'), 'abc ab');
  });

  it('builtins: index, len, slice, printf, print, println, comparisons', () => {
    assert.equal(render('{{index .Config.Labels "tier"}}'), 'front');
    assert.equal(render('{{index .Config.Labels "nope"}}'), '');
    assert.equal(render('{{index .Names 1}}'), '/db');
    assert.equal(render('{{len .Names}} {{len .Id}} {{len .Config.Labels}}'), '2 6 2');
    assert.equal(render('{{slice .Id 1 3}}'), 'bc');
    assert.equal(render('{{printf "%s-%d" .Id 7}}'), 'abc123-7');
    assert.equal(render('{{.Id | printf "%-8s|"}}'), 'abc123  |');
    assert.equal(render('{{print "a" "b" 1 2}}'), 'ab1 2');
    assert.equal(render('{{println "a" 1}}'), 'a 1\n');
    assert.equal(render('{{eq .State.ExitCode 0}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}'), 'true true true true true false');
    assert.equal(render('{{eq .State.Status "exited" "running"}}'), 'true');
    assert.equal(render('{{html "<a>"}} {{urlquery "a b&c"}} {{js "it\'s"}}'), "&lt;a&gt; a+b%26c it\\'s");
  });

  it('pipelines pass the value as the last argument; parentheses group', () => {
    assert.equal(render('{{.Names | len}}'), '2');
    assert.equal(render('{{"x" | printf "%s%s" "y"}}'), 'yx');
    assert.equal(render('{{(index .Names 0) | printf "%q"}}'), '"/web"');
    assert.equal(render('{{(.State).Status}}'), 'running');
  });

  it('reports function errors with Go wording', () => {
    assert.throws(() => render('{{index .Names 5}}'), /error calling index: index out of range: 5/);
    assert.throws(() => render('{{len 3}}'), /error calling len: len of type int/);
    assert.throws(() => render('{{nosuch 1}}'), /function "nosuch" not defined/);
    assert.throws(() => render('{{eq "a" 1}}'), /incompatible types for comparison/);
  });
});

describe('go template: methods on struct-like contexts', () => {
  class Row {
    constructor(private readonly labels: Record<string, string>) {}
    ID(): string {
      return 'id1';
    }
    Label(name: string): string {
      return this.labels[name] ?? '';
    }
  }
  it('calls capitalised methods, with arguments', () => {
    const row = new Row({ a: 'b' });
    assert.equal(new Template('{{.ID}} {{.Label "a"}} [{{.Label "z"}}]').execute(row), 'id1 b []');
    assert.equal(new Template('{{.Label "a" | upper}}').execute(row), 'B');
  });
  it('rejects unknown fields and lowercase members', () => {
    assert.throws(() => new Template('{{.Nope}}').execute(new Row({})), /can't evaluate field Nope/);
    assert.throws(() => new Template('{{.labels}}').execute(new Row({})), /can't evaluate field labels/);
    assert.equal(new Template('{{.constructor}}').execute({}), '<no value>');
  });
  // Text and `{{.Method}}` alone run without the interpreter (method-row.ts): same text, same errors.
  it('gives a method-only template the interpreter\'s results', () => {
    class Failing {
      ID(): string {
        return 'x';
      }
      Boom(): string {
        throw new Error('bad row');
      }
      get Field(): number {
        return 7;
      }
    }
    const t = new Template('{{.ID}}\t{{.Field}}');
    assert.equal(t.execute(new Failing()), 'x\t7');
    assert.equal(t.execute({ ID: 'map', Field: null }), 'map\t<nil>');
    assert.equal(t.execute({}), '<no value>\t<no value>');
    assert.throws(() => new Template('{{.ID}} {{.Boom}}').execute(new Failing()), /at <\.Boom>: error calling Boom: bad row/);
    assert.throws(() => t.execute(null), /nil pointer evaluating interface \{\}\.ID/);
    assert.throws(() => t.execute([1]), /can't evaluate field ID/);
  });
});

describe('go template: parse errors', () => {
  const bad = ['{{.Id', '{{if .Id}}x', '{{end}}', '{{else}}', '{{range}}{{end}}', '{{.Id | }}', '{{"unterminated}}', '{{$undefined}}',
    '{{(.Id}}', '{{.Id)}}', '{{break}}', '{{1.2.3}}', '{{ @ }}', '{{template "missing"}}', '{{define "x"}}{{else}}{{end}}'];
  for (const src of bad) {
    it(`rejects ${JSON.stringify(src)}`, () => {
      assert.throws(() => new Template(src).execute({}), TemplateError);
    });
  }
  it('names the line', () => {
    assert.throws(() => new Template('a\nb\n{{.X'), /template: :3: unclosed action/);
  });
});

describe('go fmt', () => {
  it('formats floats like Go %v and %g', () => {
    assert.equal(formatFloatG(1e6), '1e+06');
    assert.equal(formatFloatG(123456), '123456');
    assert.equal(formatFloatG(0.0001), '0.0001');
    assert.equal(formatFloatG(0.00001), '1e-05');
    assert.equal(formatFloatG(4.262, 3), '4.26');
    assert.equal(formatFloatG(999.9, 3), '1e+03');
    assert.equal(formatFloatG(100, 3), '100');
    assert.equal(formatFloatG(1, 3), '1');
  });
  it('handles verbs, flags, width, precision and mistakes', () => {
    assert.equal(sprintf('%5.1f|%-4d|%04d|%x|%X|%o|%q|%t|%c|%%', [3.14159, 7, 42, 255, 255, 8, 'a"b', true, 65]), '  3.1|7   |0042|ff|FF|10|"a\\"b"|true|A|%');
    assert.equal(sprintf('%d', []), '%!d(MISSING)');
    assert.equal(sprintf('%d', ['x']), '%!d(string=x)');
    assert.equal(sprintf('%s', ['a', 'b']), 'a%!(EXTRA string=b)');
    assert.equal(sprintf('%v %v', [[1, 2], { b: 1, a: 2 }]), '[1 2] map[a:2 b:1]');
    assert.equal(sprintf('%.2s|%6.2f|%+d', ['abcdef', 2.5, 3]), 'ab|  2.50|+3');
  });
});

describe('go template: lexer/parser fuzzing', () => {
  // A small deterministic PRNG so failures reproduce.
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const pieces = ['{{', '}}', '{{-', '-}}', ' ', '.', '.Id', '.Names', '$', '$x', ':=', '=', '|', '(', ')', '"', '`', "'", 'if', 'else', 'end', 'range',
    'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', '1', '-2', '0x1f', '1e3', 'eq', 'len', 'index', 'printf', 'json',
    '/*', '*/', '\n', '\\', 'x', ',', '@', '#', 'é', '{', '}', '"a"', '`raw`', "'c'", '.State.Status', 'and', 'or', 'not'];
  it('never hangs and only ever throws TemplateError on random input', () => {
    const next = rng(12345);
    for (let n = 0; n < 4000; n++) {
      const len = 1 + Math.floor(next() * 14);
      let src = '';
      for (let i = 0; i < len; i++) src += pieces[Math.floor(next() * pieces.length)];
      try {
        new Template(src).execute(data);
      } catch (err) {
        if (!(err instanceof TemplateError)) assert.fail(`input ${JSON.stringify(src)} threw ${String(err)}`);
      }
    }
  });
  it('survives random bytes and deep nesting', () => {
    const next = rng(777);
    for (let n = 0; n < 1000; n++) {
      let src = '';
      const len = Math.floor(next() * 40);
      for (let i = 0; i < len; i++) src += String.fromCharCode(Math.floor(next() * 128));
      try {
        lex(src);
        new Template(src).execute({});
      } catch (err) {
        if (!(err instanceof TemplateError)) assert.fail(`input ${JSON.stringify(src)} threw ${String(err)}`);
      }
    }
    assert.throws(() => new Template('{{' + '('.repeat(20000) + '1' + ')'.repeat(20000) + '}}').execute({}), TemplateError);
    assert.throws(() => new Template('{{define "a"}}{{template "a"}}{{end}}{{template "a"}}').execute({}), TemplateError);
  });
});
