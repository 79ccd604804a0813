import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * Apollo Sandbox, embedded at GET /graphql, loads from Apollo's servers: offline, its page shows
 * only "Apollo Sandbox cannot be loaded; it appears that you might be offline". This wraps the
 * landing page plugin so that this message also points to the GraphiQL the gateway serves itself,
 * which needs no internet. The notice is plain HTML (no script), and the empty Sandbox frame that
 * would lie over it is hidden until Sandbox fills it.
 */
export function withOfflineNotice<TContext extends BaseContext>(plugin: ApolloServerPlugin<TContext>, graphiqlPath: string | null): ApolloServerPlugin<TContext> {
  if (!graphiqlPath) return plugin;
  return {
    ...plugin,
    async serverWillStart(service) {
      const listener = await plugin.serverWillStart?.(service);
      if (!listener?.renderLandingPage) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await listener.renderLandingPage!();
          const html = page.html;
          return { html: async () => offlineNotice(typeof html === 'string' ? html : await html(), graphiqlPath) };
        },
      };
    },
  };
}

/** The marker of Apollo's offline message, which the notice follows. */
const OFFLINE_MESSAGE = /(<p>[^<]*you might be offline\.<\/p>)/;

/** Apollo's landing page HTML with the GraphiQL notice after its offline message (unchanged if Apollo changes its page). */
function offlineNotice(html: string, graphiqlPath: string): string {
  if (!OFFLINE_MESSAGE.test(html)) return html;
  // The page's own nonce, for the one rule: styles without it are refused by the page's CSP.
  const nonce = /<style nonce="?([0-9a-f]+)"?>/.exec(html)?.[1];
  const style = nonce ? `<style nonce="${nonce}">#embeddableSandbox:empty, #embeddableExplorer:empty { display: none; }</style>` : '';
  const notice = `<p id="newsgate-offline">No internet? Use <a href="${graphiqlPath}">GraphiQL at ${graphiqlPath}</a>: this gateway serves it itself, and it works offline.</p>`;
  return html.replace(OFFLINE_MESSAGE, `$1\n  ${notice}${style}`);
}
