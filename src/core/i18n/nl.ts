import type { Translation } from './translation.ts';

export const nl: Translation = {
  loading: 'Laden…',
  retry: 'Opnieuw proberen',
  queued: 'Nog niet verzonden: wordt verzonden zodra de verbinding terug is.',
  errors: {
    network: 'We kunnen de server niet bereiken. Controleer uw internetverbinding en probeer het opnieuw.',
    timeout: 'Het duurde te lang voordat de server antwoordde. Probeer het opnieuw.',
    notFound: 'Deze inhoud is niet gevonden. Mogelijk is deze verwijderd.',
    notOpen: 'Deze peiling is nog niet geopend.',
    closed: 'Deze peiling is gesloten.',
    alreadyVoted: 'U hebt al gestemd in deze peiling.',
    invalid: 'Uw antwoord is niet geaccepteerd. Controleer het en probeer het opnieuw.',
    tooLarge: 'Uw antwoord is te lang.',
    session: 'Uw sessie kon niet worden bevestigd. Probeer het opnieuw.',
    identity: 'Alleen geverifieerde inwoners kunnen meedoen. Log eerst in op deze website.',
    origin: 'Deze website heeft geen toestemming om deze dienst te gebruiken.',
    rateLimited: 'Te veel pogingen. Wacht even en probeer het dan opnieuw.',
    server: 'Er ging bij ons iets mis. Probeer het later opnieuw.',
    bannedWord: 'Uw reactie bevat een woord dat niet is toegestaan op deze website. Formuleer uw reactie anders.',
    threadClosed: 'Reageren is niet meer mogelijk.',
    banned: 'U kunt niet meer reageren op deze website.',
    dailyLimit: 'U hebt het maximale aantal reacties voor vandaag bereikt. Probeer het morgen opnieuw.',
    tooLong: 'Uw reactie is te lang.',
    editWindowOver: 'Deze reactie kan niet meer worden gewijzigd.',
  },
};
