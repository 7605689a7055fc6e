import { Lunar, Solar } from 'lunar-typescript';

/** A festival on a given Asia/Shanghai calendar date, with a greeting an agent may adapt. */
export interface Festival {
  name: string;
  date: string;
  calendar: 'lunar' | 'solar';
  greeting: string;
}

// Lunar festivals by lunar month/day: their solar dates move every year, so they are computed with a
// maintained lunar calendar (lunar-typescript), never read from a hard-coded table.
const LUNAR: { name: string; month: number; day: number; greeting: string }[] = [
  { name: '春节', month: 1, day: 1, greeting: '新春快乐！祝您和家人新年身体健康、阖家幸福、万事顺意。' },
  { name: '元宵节', month: 1, day: 15, greeting: '元宵佳节，祝您和家人团团圆圆、幸福美满。' },
  { name: '端午节', month: 5, day: 5, greeting: '端午安康！祝您和家人平安健康、顺心如意。' },
  { name: '七夕', month: 7, day: 7, greeting: '七夕快乐，愿您与家人温馨相伴、幸福长久。' },
  { name: '中秋节', month: 8, day: 15, greeting: '中秋快乐！月圆人团圆，祝您和家人幸福安康。' },
  { name: '重阳节', month: 9, day: 9, greeting: '重阳安康，祝家中长辈身体硬朗、福寿绵长。' },
];

const SOLAR: { name: string; md: string; greeting: string }[] = [
  { name: '元旦', md: '01-01', greeting: '新年快乐！感谢您一直以来的信任，祝您新的一年平安顺遂。' },
  { name: '国庆节', md: '10-01', greeting: '国庆快乐，祝您假期愉快、出行平安。' },
];

const pad = (n: number) => String(n).padStart(2, '0');

/** The n-th `weekday` (0 = Sunday) of a month, 'YYYY-MM-DD' (母亲节, 父亲节). */
function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const day = 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** Every care festival falling in solar `year`. */
export function festivalsOfYear(year: number): Festival[] {
  const out: Festival[] = [];
  // A lunar year starts in January/February of the solar year; festivals of lunar year `year - 1`
  // (none in practice after 重阳) and `year` cover the solar year.
  for (const ly of [year - 1, year]) {
    for (const f of LUNAR) {
      const s = Lunar.fromYmd(ly, f.month, f.day).getSolar();
      if (s.getYear() !== year) continue;
      out.push({ name: f.name, date: s.toYmd(), calendar: 'lunar', greeting: f.greeting });
    }
  }
  for (const f of SOLAR)
    out.push({ name: f.name, date: `${year}-${f.md}`, calendar: 'solar', greeting: f.greeting });
  out.push({
    name: '母亲节',
    date: nthWeekday(year, 5, 0, 2),
    calendar: 'solar',
    greeting: '母亲节快乐，祝家中的妈妈健康美丽、幸福常在。',
  });
  out.push({
    name: '父亲节',
    date: nthWeekday(year, 6, 0, 3),
    calendar: 'solar',
    greeting: '父亲节快乐，祝家中的爸爸身体健康、万事顺心。',
  });
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

/** Festivals with dates in [from, to] ('YYYY-MM-DD', inclusive). */
export function festivalsBetween(from: string, to: string): Festival[] {
  const years = new Set([Number(from.slice(0, 4)), Number(to.slice(0, 4))]);
  return [...years].flatMap(festivalsOfYear).filter((f) => f.date >= from && f.date <= to);
}

/** The lunar date of a solar date, for greetings and checks ('八月十五'). */
export function lunarLabel(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const l = Solar.fromYmd(y ?? 1970, m ?? 1, d ?? 1).getLunar();
  return `${l.getMonthInChinese()}月${l.getDayInChinese()}`;
}
