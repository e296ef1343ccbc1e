// `tibox protocol`: the installation protocol. `make` writes one from the box as it is and the
// function test's last run, `list` names the kept ones, and the word alone sends one, the newest
// or --id N, as a PDF to stdout (`tibox protocol > protocol.pdf`), or its content with --json.
import type { ProtocolEntry } from '../protocol/protocolContent.ts';
import type { ProtocolAnswer } from '../protocol/protocols.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, JSON_OPTION, UsageError, type Command } from './command.ts';
import { alignColumns } from './table.ts';

const STALENESS: Readonly<Record<ProtocolEntry['staleness'], string>> = {
  none: '',
  noRun: 'no function test was run',
  old: 'the function test is older than 24 hours',
  devicesChanged: 'devices changed after the function test',
};

export const protocolMakeCommand: Command = {
  words: ['protocol', 'make'],
  synopsis: '[--json]',
  summary: "Make an installation protocol from the box as it is and the function test's last run (run `tibox check` first)",
  options: JSON_OPTION,
  maxPositionals: 0,
  example: ['protocol', 'make'],
  async run({ io, values, client }) {
    const entry = (await client().action('protocol.make', {})) as ProtocolEntry;
    if (values.json) io.stdout(`${JSON.stringify(entry, null, 2)}\n`);
    else {
      const remark = STALENESS[entry.staleness];
      io.stdout(`Installation protocol ${entry.id} made: function test ${entry.verdict}${remark ? ` (${remark})` : ''}. Save it with: tibox protocol --id ${entry.id} > protocol.pdf\n`);
    }
    return entry.verdict === 'fail' ? EXIT_CHECK_FAILED : EXIT_OK;
  },
};

export const protocolListCommand: Command = {
  words: ['protocol', 'list'],
  synopsis: '[--json]',
  summary: 'List the installation protocols the box keeps (the newest 20)',
  options: JSON_OPTION,
  maxPositionals: 0,
  example: ['protocol', 'list'],
  async run({ io, values, client }) {
    const entries = (await client().action('protocol.list', {})) as ProtocolEntry[];
    if (values.json) io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
    else if (entries.length === 0) io.stdout('No installation protocol kept yet: make one with `tibox protocol make`.\n');
    else {
      const rows = entries.map((e) => [String(e.id), e.createdAt, e.practice || '-', e.verdict, STALENESS[e.staleness]]);
      io.stdout(`${alignColumns([['ID', 'CREATED', 'PRACTICE', 'TEST', 'REMARK'], ...rows]).join('\n')}\n`);
    }
    return EXIT_OK;
  },
};

export const protocolGetCommand: Command = {
  words: ['protocol', 'get'],
  synopsis: '[--id N] [--lang de|en] [--json]',
  summary: 'Write an installation protocol, the newest or --id N, as a PDF to stdout (German unless --lang en)',
  options: {
    id: { type: 'string', value: 'N', description: "The protocol's number, as `tibox protocol list` shows it; the newest when absent" },
    lang: { type: 'string', value: 'LANG', description: 'The language of the PDF: de (the default) or en' },
    json: { type: 'boolean', description: "Print the protocol's content as JSON instead" },
  },
  maxPositionals: 0,
  example: ['protocol', 'get', '--id', '1', '--lang', 'en'],
  async run({ io, values, client }) {
    const id = values.id === undefined ? undefined : Number(values.id);
    if (id !== undefined && (!Number.isInteger(id) || id < 1)) throw new UsageError(`--id takes a protocol's number, a whole number from 1; got ${String(values.id)}`);
    const answer = (await client().action('protocol.get', {
      ...(id === undefined ? {} : { id }),
      ...(values.lang === undefined ? {} : { lang: values.lang }),
      format: values.json ? 'json' : 'pdf',
    })) as ProtocolAnswer;
    io.stdout(answer.format === 'json' ? `${JSON.stringify(answer.content, null, 2)}\n` : Buffer.from(answer.pdf, 'base64'));
    return EXIT_OK;
  },
};
