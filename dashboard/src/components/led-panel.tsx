import type { LaneDisplay } from '../api/types.ts';
import { timeOnly } from '../format.ts';
import { getLang, t } from '../i18n/i18n.ts';

const COLOURS: Record<string, string> = {
  green: '#3dff6e',
  red: '#ff3b30',
  yellow: '#ffd60a',
  white: '#f2f2f2',
};

/**
 * Whether the panel has gone blank: it shows a text for `seconds` from `at`, both on the gateway's clock, so the
 * comparison is with the latest gateway time seen (never the browser's clock, which the demo's gateway outruns).
 */
export function displayExpired(display: LaneDisplay, gatewayNow: number | null): boolean {
  return gatewayNow !== null && gatewayNow >= display.at + display.seconds * 1000;
}

/** A mirror of what the lane's LED panel shows now: dark face, up to 4 lines, in the colour it was told. */
export function LedPanel(props: { display: LaneDisplay | null; gatewayNow: number | null }) {
  const { display } = props;
  const showing = display !== null && !displayExpired(display, props.gatewayNow);
  const colour = COLOURS[display?.colour ?? ''] ?? COLOURS.red;
  const lines = showing ? display.lines.slice(0, 4) : [];
  return (
    <div class="led-wrap">
      <div
        class="led"
        data-testid="led-panel"
        data-state={showing ? 'showing' : 'blank'}
        data-colour={showing ? display.colour : ''}
        style={{ color: colour }}
      >
        {lines.length === 0 ? (
          <div class="led-line led-blank">{t('live.noDisplay')}</div>
        ) : (
          lines.map((line, i) => (
            <div class="led-line" key={i}>
              {line}
            </div>
          ))
        )}
        {showing && display.voice && (
          <div class="led-voice">
            {t('live.voice')}: {display.voice}
          </div>
        )}
      </div>
      {display && !showing && (
        <p class="led-last muted small" data-testid="led-last">
          {t('live.lastShown')} {timeOnly(display.at, getLang())}: {display.lines.join(' · ')}
        </p>
      )}
    </div>
  );
}
