import type { LaneDisplay } from '../api/types.ts';
import { t } from '../i18n/i18n.ts';

const COLOURS: Record<string, string> = {
  green: '#3dff6e',
  red: '#ff3b30',
  yellow: '#ffd60a',
  white: '#f2f2f2',
};

/** A mirror of what the lane's LED panel shows now: dark face, up to 4 lines, in the colour it was told. */
export function LedPanel(props: { display: LaneDisplay | null; expired?: boolean }) {
  const display = props.expired ? null : props.display;
  const colour = COLOURS[display?.colour ?? ''] ?? COLOURS.red;
  const lines = (display?.lines ?? []).slice(0, 4);
  return (
    <div class="led" data-testid="led-panel" data-colour={display?.colour ?? ''} style={{ color: colour }}>
      {lines.length === 0 ? (
        <div class="led-line led-blank">{t('live.noDisplay')}</div>
      ) : (
        lines.map((line, i) => (
          <div class="led-line" key={i}>
            {line}
          </div>
        ))
      )}
      {display?.voice && (
        <div class="led-voice">
          {t('live.voice')}: {display.voice}
        </div>
      )}
    </div>
  );
}
