import { z } from 'zod';
import * as m from '../../../shared/domain/model';
test('scratch', () => {
  const chk = z.superRefine<unknown>((v, ctx) => { console.log('ran', JSON.stringify(v)); }, { when: (p) => { console.log('when', p.aborted, JSON.stringify(p.issues)); return true; } });
  const s = z.array(m.obj({ a: m.integer(0) })).check(chk);
  s.safeParse([{ a: 1.5 }]);
  const s2 = z.array(z.object({ a: m.integer(0) })).check(chk);
  s2.safeParse([{ a: 1.5 }]);
});
