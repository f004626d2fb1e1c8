import { describe, expect, it } from 'vitest';
import { normalizePlate } from '../../gateway/src/domain/plate/index.ts';
import { feeShownFen } from './devices/pay-terminal.ts';
import { confusablePositions, generatePlate, isConfusionOf, misreadPlate } from './plates.ts';
import { createRandom } from './random.ts';

describe('plates', () => {
  it('generates plates the gateway recognises as standard or new-energy formats', () => {
    const random = createRandom(1);
    for (let i = 0; i < 200; i++) {
      const standard = generatePlate(random, '京A');
      expect(normalizePlate(standard.plate).format).toBe('standard');
      const ev = generatePlate(random, '沪B', 'newEnergy');
      expect(normalizePlate(ev.plate).format).toBe('newEnergy');
      expect(ev.colour).toBe('green');
    }
  });

  it('misreads swap exactly one character for its OCR confusion, never the province', () => {
    const random = createRandom(2);
    for (let i = 0; i < 200; i++) {
      const misread = misreadPlate(random, '京A80251');
      expect(isConfusionOf('京A80251', misread)).toBe(true);
      expect([...misread].filter((ch, k) => ch !== [...'京A80251'][k])).toHaveLength(1);
      expect(misread[0]).toBe('京');
    }
    expect(confusablePositions('京AH7H7H')).toEqual([]);
    expect(misreadPlate(random, '京AH7H7H')).toBe('京AH7H7H');
  });

  it('reads the fee a display asks for, in fen', () => {
    expect(feeShownFen(['京A12345', '请缴费 12.00元'])).toBe(1200);
    expect(feeShownFen(['京A12345', '停车 2小时', '请缴费', '¥7.5'])).toBe(750);
    expect(feeShownFen(['应缴 3元'])).toBe(300);
    expect(feeShownFen(['京A12345', '已缴 12.00元', '一路顺风'])).toBeNull();
    expect(feeShownFen(['欢迎回家', '余位 23'])).toBeNull();
  });
});
