import type { Command } from 'commander';

/**
 * Examples shown at the end of each command's --help, by command path. Kept together here so the
 * commands' own files stay about what they do; `newsgate --help` also prints the exit codes.
 */
const EXAMPLES: Record<string, string[]> = {
  newsgate: [
    'newsgate serve --port 8080',
    'DATABASE_URL=postgres://user@db/news newsgate migrate && newsgate worker',
    'newsgate seed --demo 200000',
    'newsgate backup news.tar.gz && newsgate restore news.tar.gz --force',
    'newsgate sources add https://www.example.com/ --language bn --time-zone Asia/Dhaka',
    'newsgate sources refresh --all',
    'KEY=$(newsgate keys create --name "Partner")',
  ],
  serve: ['newsgate serve', 'newsgate serve --port 8080 --host 127.0.0.1', 'DATABASE_URL=postgres://user@db/news WORKER_ENABLED=false newsgate serve'],
  worker: ['DATABASE_URL=postgres://user@db/news newsgate worker', 'WORKER_HTTP_PORT=9464 WORKER_CONCURRENCY=8 newsgate worker'],
  migrate: ['newsgate migrate', 'DATABASE_URL=postgres://user@db/news newsgate migrate || echo "exit $? (3: database unreachable)"'],
  seed: ['newsgate seed', 'newsgate seed --demo 200000', 'newsgate seed --demo 5000 --batch-size 500 | jq .articles'],
  backup: ['newsgate backup backups/news-$(date +%F).tar.gz', 'newsgate backup latest.tar.gz --force   # while `npm start` runs, too'],
  restore: [
    'newsgate restore backups/news-2026-01-05.tar.gz            # into an empty or missing DATA_DIR',
    'newsgate restore backups/news-2026-01-05.tar.gz --force    # replaces DATA_DIR, kept as DATA_DIR.before-restore-<time>',
  ],
  sources: ['newsgate sources list --json', 'newsgate sources refresh --all'],
  stories: ['newsgate stories backfill'],
  'stories backfill': ['newsgate stories backfill', 'DATABASE_URL=postgres://user@db/news newsgate stories backfill --batch-size 1000 | jq .clustered'],
  'sources add': ['newsgate sources add https://www.example.com/', 'newsgate sources add https://news.example/feed.xml --name "Example News" --interval 15 --language en'],
  'sources list': ['newsgate sources list', "newsgate sources list --json | jq -r '.[] | select(.state == \"failing\") | .slug'"],
  'sources refresh': ['newsgate sources refresh example-news', 'newsgate sources refresh --all --json > runs.json', 'newsgate sources refresh --all --concurrency 8'],
  'sources import': ['newsgate sources import subscriptions.opml'],
  'sources export': ['newsgate sources export > subscriptions.opml'],
  keys: ['KEY=$(newsgate keys create --name "Partner")', 'newsgate keys list --json'],
  'keys create': ['KEY=$(newsgate keys create --name "Partner" --origin https://partner.example)', 'newsgate keys create --name "Partner" --json'],
  'keys list': ['newsgate keys list', "newsgate keys list --json | jq -r '.[] | select(.revokedAt == null) | .id'"],
  'keys revoke': ['newsgate keys revoke 0b0f7c1e-5d6a-4a53-9a55-4d1c3f1e2a10', 'newsgate keys revoke "$ID"; [ $? -eq 4 ] && echo "no such key"'],
};

function examplesText(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** Adds the examples above to every registered command that has some. */
export function addExamples(program: Command): void {
  const visit = (command: Command, path: string[]) => {
    const examples = EXAMPLES[path.length === 0 ? 'newsgate' : path.join(' ')];
    if (examples) command.addHelpText('after', examplesText(examples));
    for (const sub of command.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
}
