import { useSyncExternalStore } from "react";

// Audible and desktop cues for what must not wait: FLASH traffic and a line going down. Sounds are
// made with WebAudio (no files). Browsers allow sound only after the page was used once, so the
// audio context is made on the first key or pointer press and reused.

const MUTE_KEY = "hotline.muted";
const muteListeners = new Set<() => void>();
let audio: AudioContext | null = null;

function unlockAudio(): void {
  if (audio === null && typeof AudioContext !== "undefined") audio = new AudioContext();
  if (audio?.state === "suspended") void audio.resume();
}
window.addEventListener("pointerdown", unlockAudio, { capture: true });
window.addEventListener("keydown", unlockAudio, { capture: true });

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === "1";
  } catch {
    return false;
  }
}

/**
 * @param muted whether cues stay silent; remembered in this browser
 */
export function setMuted(muted: boolean): void {
  try {
    localStorage.setItem(MUTE_KEY, muted ? "1" : "0");
  } catch {
    // private mode: lasts this page
  }
  for (const listener of muteListeners) listener();
}

/** @returns whether sound cues are muted; re-renders when that changes */
export function useMuted(): boolean {
  return useSyncExternalStore((listener) => {
    muteListeners.add(listener);
    return () => muteListeners.delete(listener);
  }, readMuted);
}

/** What the cue is for: FLASH is three short high beeps, a line down two long low tones. */
export type Cue = "flash" | "down" | "alarm";

const PATTERNS: Record<Cue, { freq: number; ms: number; gap: number; times: number }> = {
  flash: { freq: 1320, ms: 140, gap: 90, times: 3 },
  down: { freq: 440, ms: 420, gap: 180, times: 2 },
  alarm: { freq: 880, ms: 250, gap: 150, times: 2 },
};

/**
 * @param cue what happened
 */
export function beep(cue: Cue): void {
  if (readMuted() || audio === null || audio.state !== "running") return;
  const { freq, ms, gap, times } = PATTERNS[cue];
  const start = audio.currentTime + 0.02;
  for (let i = 0; i < times; i++) {
    const at = start + (i * (ms + gap)) / 1000;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "square";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
    gain.gain.setValueAtTime(0.25, at + ms / 1000 - 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + ms / 1000);
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + ms / 1000 + 0.01);
  }
}

/** @returns "granted", "denied", "default", or "unsupported" when the browser has no notifications */
export function notificationPermission(): NotificationPermission | "unsupported" {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/**
 * Shows a desktop notification when the operator allowed them; does nothing otherwise.
 *
 * @param title the first line
 * @param body more
 * @param tag the same tag replaces an earlier notification instead of piling up
 */
export function notify(title: string, body: string, tag: string): void {
  if (notificationPermission() !== "granted") return;
  try {
    const note = new Notification(title, { body, tag, requireInteraction: true });
    note.onclick = () => {
      window.focus();
      note.close();
    };
  } catch {
    // some browsers allow notifications only from a service worker; the sound and the page remain
  }
}
