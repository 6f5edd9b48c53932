import type { Translation } from './translation.ts';

export const de: Translation = {
  loading: 'Wird geladen…',
  retry: 'Erneut versuchen',
  queued: 'Noch nicht gesendet: Das geschieht, sobald die Verbindung wieder besteht.',
  errors: {
    network: 'Der Server ist nicht erreichbar. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.',
    timeout: 'Der Server hat zu lange für die Antwort gebraucht. Bitte versuchen Sie es erneut.',
    notFound: 'Dieser Inhalt wurde nicht gefunden. Möglicherweise wurde er entfernt.',
    notOpen: 'Diese Umfrage ist noch nicht geöffnet.',
    closed: 'Diese Umfrage ist beendet.',
    alreadyVoted: 'Sie haben bei dieser Umfrage bereits abgestimmt.',
    invalid: 'Ihre Antwort wurde nicht angenommen. Bitte überprüfen Sie sie und versuchen Sie es erneut.',
    tooLarge: 'Ihre Antwort ist zu lang.',
    session: 'Ihre Sitzung konnte nicht bestätigt werden. Bitte versuchen Sie es erneut.',
    identity: 'Nur verifizierte Einwohnerinnen und Einwohner können teilnehmen. Bitte melden Sie sich zuerst auf dieser Website an.',
    origin: 'Diese Website ist nicht berechtigt, diesen Dienst zu nutzen.',
    rateLimited: 'Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es dann erneut.',
    server: 'Bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.',
    bannedWord: 'Ihr Kommentar enthält ein Wort, das auf dieser Website nicht erlaubt ist. Bitte formulieren Sie ihn um.',
    threadClosed: 'Die Kommentarfunktion ist geschlossen.',
    banned: 'Sie können auf dieser Website keine Kommentare mehr schreiben.',
    dailyLimit: 'Sie haben die maximale Anzahl an Kommentaren für heute erreicht. Bitte versuchen Sie es morgen wieder.',
    tooLong: 'Ihr Kommentar ist zu lang.',
    editWindowOver: 'Dieser Kommentar kann nicht mehr geändert werden.',
  },
};
